// Starts ringgate-mock and ringgate (the real binaries, on port 0) for the SDK tests, and
// stops them. Each test file owns one stack: `const stack = await startStack()` in
// `before()`, `await stack.stop()` in `after()`. Waits are on conditions (a file appearing,
// a process exiting), each with a deadline, never on time alone.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// The SDK is imported here, not in the test files, so that a missing or stale node_modules
// fails with a message saying what to do instead of ERR_MODULE_NOT_FOUND.
function check_sdk_installed() {
    const pins = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'))
        .dependencies;
    for (const [name, pinned] of Object.entries(pins)) {
        const installed_file = path.join(here, 'node_modules', name, 'package.json');
        if (!fs.existsSync(installed_file)) {
            throw new Error(
                `tests/sdk/node_modules has no ${name} package: run \`npm ci\` in ${here} ` +
                    '(tools/test.sh does this before building)');
        }
        const installed = JSON.parse(fs.readFileSync(installed_file, 'utf8')).version;
        if (installed !== pinned) {
            throw new Error(`tests/sdk/node_modules holds ${name} ${installed}, package.json ` +
                `pins ${pinned}: run \`npm ci\` in ${here}`);
        }
    }
}
check_sdk_installed();
const { default: OpenAI } = await import('openai');
export { OpenAI };

// Deadlines: generous for a loaded CI machine or a sanitizer build, still far below the
// ctest TIMEOUT so a hang shows up as a named failure.
const start_timeout_ms = 10_000;
const stop_timeout_ms = 10_000;

// The API key the SDK sends; it must never reach the upstream.
export const client_api_key = 'client-secret';
// The provider keys ringgate holds for the mock; the upstream must see one of these.
export const provider_keys = ['sk-provider-1', 'sk-provider-2'];
// The keys of the anthropic- and gemini-type providers (the built-in rules route claude*
// and gemini* to them).
export const anthropic_provider_key = 'sk-provider-anthropic';
export const gemini_provider_key = 'sk-provider-gemini';
// Completion tokens per answer, passed to the mock as --tokens.
export const default_tokens = 5;

// The text the mock answers with N completion tokens: "tok1 tok2 ... tokN".
export function mock_text(tokens) {
    return Array.from({ length: tokens }, (_, i) => `tok${i + 1}`).join(' ');
}

// The mock counts prompt tokens as whitespace-separated words in the message text.
export function word_count(text) {
    return text.split(/\s+/).filter((w) => w.length > 0).length;
}

function binary(env_name) {
    const file = process.env[env_name];
    if (!file) {
        throw new Error(`${env_name} is not set: point it at the built binary ` +
            '(ctest sets it; see tests/sdk/README.md)');
    }
    if (!fs.existsSync(file)) {
        throw new Error(`${env_name}=${file} does not exist: build it first`);
    }
    return file;
}

function log_tail(file, lines = 40) {
    try {
        return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
        return '(no log)';
    }
}

// Children still running when this process exits (a crash, a runner timeout) are killed,
// so a failed run leaves no gateway or mock behind.
const live_children = new Set();
process.on('exit', () => {
    for (const child of live_children) {
        child.kill('SIGKILL');
    }
});

// One child process with its output in `log_file`.
class Child {
    constructor(name, file, args, log_file) {
        this.name = name;
        this.log_file = log_file;
        const log_fd = fs.openSync(log_file, 'a');
        this.process = spawn(file, args, { stdio: ['ignore', log_fd, log_fd] });
        fs.closeSync(log_fd);
        // Resolves once the process is gone: it exited, or it never started (then 'error'
        // comes without 'exit').
        this.exit = new Promise((resolve) => {
            this.process.once('exit', (code, signal) => {
                live_children.delete(this.process);
                resolve({ code, signal, error: null });
            });
            this.process.once('error', (error) => {
                if (this.process.pid === undefined) {
                    live_children.delete(this.process);
                    resolve({ code: null, signal: null, error });
                }
            });
        });
        live_children.add(this.process);
    }

    // Resolves with the parsed JSON of `file` once it exists. The binaries write it by
    // rename, so it is never seen half-written. Rejects if the child exits first or the
    // deadline passes.
    wait_json(file) {
        return new Promise((resolve, reject) => {
            let settled = false;
            let watcher = null;
            let timer = null;
            const settle = (error, value) => {
                if (settled) {
                    return;
                }
                settled = true;
                watcher?.close();
                clearTimeout(timer);
                if (error) {
                    reject(error);
                } else {
                    resolve(value);
                }
            };
            const check = () => {
                let text;
                try {
                    text = fs.readFileSync(file, 'utf8');
                } catch (error) {
                    if (error.code !== 'ENOENT') {
                        settle(error);
                    }
                    return;
                }
                try {
                    settle(null, JSON.parse(text));
                } catch (error) {
                    settle(new Error(`${this.name} wrote unparseable ${file}: ${text}`));
                }
            };
            // Watch first, then look, so a rename between the two cannot be missed.
            watcher = fs.watch(path.dirname(file), check);
            timer = setTimeout(() => settle(new Error(
                `${this.name} did not write ${file} within ${start_timeout_ms} ms\n` +
                    log_tail(this.log_file))), start_timeout_ms);
            this.exit.then(({ code, signal, error }) => settle(new Error(
                `${this.name} exited (${error?.message ?? code ?? signal}) before writing ` +
                    `${file}\n${log_tail(this.log_file)}`)));
            check();
        });
    }

    running() {
        return this.process.pid !== undefined && this.process.exitCode === null &&
            this.process.signalCode === null;
    }

    // SIGTERM, then wait for the exit; a child that ignores it past the deadline is killed
    // and reported. Resolves with the exit status so callers can require a clean stop.
    async stop() {
        if (!this.running()) {
            return this.exit;
        }
        this.process.kill('SIGTERM');
        let timer;
        const deadline = new Promise((resolve) => {
            timer = setTimeout(() => resolve(null), stop_timeout_ms);
        });
        const status = await Promise.race([this.exit, deadline]);
        clearTimeout(timer);
        if (status === null) {
            this.process.kill('SIGKILL');
            await this.exit;
            throw new Error(`${this.name} did not exit within ${stop_timeout_ms} ms of SIGTERM\n` +
                log_tail(this.log_file));
        }
        return status;
    }
}

function expect_clean_exit(child, status) {
    if (status.code !== 0) {
        const how = status.error?.message ?? status.code ?? status.signal;
        throw new Error(`${child.name} exited with ${how} on SIGTERM\n` +
            log_tail(child.log_file));
    }
}

// ringgate-mock on 127.0.0.1:0, with its control API.
export class Mock {
    static async start(dir, extra_args = []) {
        const port_file = path.join(dir, 'mock-ports.json');
        const child = new Child('ringgate-mock', binary('RINGGATE_MOCK_BIN'),
            ['--listen', '127.0.0.1:0', '--port-file', port_file, ...extra_args],
            path.join(dir, 'mock.log'));
        try {
            const ports = await child.wait_json(port_file);
            return new Mock(child, ports.http);
        } catch (error) {
            await child.stop().catch(() => {});
            throw error;
        }
    }

    constructor(child, port) {
        this.child = child;
        this.port = port;
        this.url = `http://127.0.0.1:${port}`;
    }

    // The attempt log: every request that reached a provider path, as the mock received it.
    async attempts() {
        const response = await fetch(`${this.url}/_mock/attempts`);
        if (!response.ok) {
            throw new Error(`GET /_mock/attempts: ${response.status}`);
        }
        return response.json();
    }

    // The attempts of one test case, told apart by the x-test-case header the test sent.
    async attempts_of(test_case) {
        const log = await this.attempts();
        return log.attempts.filter((a) => a.headers['x-test-case'] === test_case);
    }

    async stop() {
        expect_clean_exit(this.child, await this.child.stop());
    }
}

// The gateway config: one openai-type provider (two keys) pointing at the mock, an alias,
// two plain model names and a wildcard. Timeouts are short so stall and hang cases finish
// quickly.
export function gateway_config(mock_port) {
    return `server:
  listen: ["127.0.0.1:0"]
  admin_listen: "127.0.0.1:0"
  workers: 2
  shutdown_grace: 5s
  limits:
    max_connections: 4000
logging: {level: info, access_log: stderr, format: json}
upstream:
  first_byte_timeout: 1s
  stall_timeout: 1s
providers:
  - name: mock
    type: openai
    base_url: http://127.0.0.1:${mock_port}/v1
    keys: [{id: k1, key: ${provider_keys[0]}}, {id: k2, key: ${provider_keys[1]}}]
  - name: mock-anthropic
    type: anthropic
    base_url: http://127.0.0.1:${mock_port}
    keys: [{id: a1, key: ${anthropic_provider_key}}]
  - name: mock-gemini
    type: gemini
    base_url: http://127.0.0.1:${mock_port}
    keys: [{id: g1, key: ${gemini_provider_key}}]
models:
  - name: smart
    targets: [{provider: mock, model: gpt-4o}]
  - name: gpt-4o-mini
    targets: [{provider: mock}]
  - name: text-embedding-3-small
    targets: [{provider: mock}]
  - name: "gpt-*"
    targets: [{provider: mock}]
`;
}

// The keys of the `api: responses` and `api: chat_only` providers in
// gateway_config_all_kinds().
export const responses_provider_key = 'sk-provider-responses';
export const chat_only_provider_key = 'sk-provider-chat-only';

// gateway_config() plus two openai-type providers: one that serves only the Responses API
// (`api: responses`, models resp-*) and one that serves only Chat Completions (`api:
// chat_only`, models chat-only-*, to which Responses clients are translated rather than
// passed through). With them a model routes to each of the four upstream formats from each
// client format: chat-only-* (or gpt-* but for Responses clients) Chat Completions, resp-*
// Responses, claude* Anthropic, gemini* Gemini.
export function gateway_config_all_kinds(mock_port) {
    const providers = `  - name: mock-responses
    type: openai
    api: responses
    base_url: http://127.0.0.1:${mock_port}/v1
    keys: [{id: r1, key: ${responses_provider_key}}]
  - name: mock-chat-only
    type: openai
    api: chat_only
    base_url: http://127.0.0.1:${mock_port}/v1
    keys: [{id: c1, key: ${chat_only_provider_key}}]
models:
`;
    return gateway_config(mock_port).replace('models:\n', providers) +
        '  - name: "resp-*"\n    targets: [{provider: mock-responses}]\n' +
        '  - name: "chat-only-*"\n    targets: [{provider: mock-chat-only}]\n';
}

// The ids GET /v1/models must list for gateway_config(): every model entry but wildcards.
export const configured_model_ids = ['smart', 'gpt-4o-mini', 'text-embedding-3-small'];

// ringgate with a config file, started with --ready-file.
export class Gateway {
    static async start(dir, config_yaml) {
        const config_file = path.join(dir, 'ringgate.yaml');
        const ready_file = path.join(dir, 'ready.json');
        fs.writeFileSync(config_file, config_yaml);
        const child = new Child('ringgate', binary('RINGGATE_BIN'),
            ['--config', config_file, '--ready-file', ready_file], path.join(dir, 'ringgate.log'));
        try {
            const ready = await child.wait_json(ready_file);
            if (ready.pid !== child.process.pid || !Array.isArray(ready.listen)) {
                throw new Error(`unexpected ready file: ${JSON.stringify(ready)}`);
            }
            return new Gateway(child, ready);
        } catch (error) {
            await child.stop().catch(() => {});
            throw error;
        }
    }

    constructor(child, ready) {
        this.child = child;
        this.port = ready.listen[0];
        this.admin_port = ready.admin;
        this.base_url = `http://127.0.0.1:${this.port}/v1`;
    }

    log() {
        return log_tail(this.child.log_file, 200);
    }

    running() {
        return this.child.running();
    }

    // One unlabelled sample from the admin listener's /metrics, or null when absent.
    async metric(name) {
        const response = await fetch(`http://127.0.0.1:${this.admin_port}/metrics`);
        const text = await response.text();
        const line = text.split('\n').find((l) => l.startsWith(`${name} `));
        return line === undefined ? null : Number(line.slice(name.length + 1));
    }

    async stop() {
        expect_clean_exit(this.child, await this.child.stop());
    }
}

// The mock, the gateway in front of it (configured by `config(mock_port)`), and SDK clients
// pointed at the gateway.
export class Stack {
    static async start({ tokens = default_tokens, config = gateway_config } = {}) {
        // Both binaries are checked before anything starts or any directory is made.
        binary('RINGGATE_MOCK_BIN');
        binary('RINGGATE_BIN');
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringgate-sdk-'));
        const mock = await Mock.start(dir, ['--tokens', String(tokens)]);
        let gateway;
        try {
            gateway = await Gateway.start(dir, config(mock.port));
        } catch (error) {
            await mock.stop().catch(() => {});
            throw error;
        }
        return new Stack(dir, mock, gateway);
    }

    constructor(dir, mock, gateway) {
        this.dir = dir;
        this.mock = mock;
        this.gateway = gateway;
    }

    // An SDK client for the gateway. maxRetries 0 by default so an error status reaches the
    // test as the SDK's error class on the first attempt.
    client(options = {}) {
        return new OpenAI({
            apiKey: client_api_key,
            baseURL: this.gateway.base_url,
            maxRetries: 0,
            timeout: 15_000,
            ...options,
        });
    }

    // Stops the gateway first (it drains to the mock), then the mock. Both must exit 0 on
    // SIGTERM. The directory with the logs is kept when anything failed.
    async stop() {
        const results = await Promise.allSettled([this.gateway.stop()]);
        results.push(...await Promise.allSettled([this.mock.stop()]));
        const failed = results.filter((r) => r.status === 'rejected');
        if (failed.length > 0) {
            throw new Error(`stack stop failed (logs in ${this.dir}):\n` +
                failed.map((r) => r.reason.message).join('\n'));
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    // Teardown for a test that breaks the stack on purpose (stops the mock, may leave the
    // gateway dead): ends whatever still runs, without requiring a clean exit. Such a test
    // puts the gateway log in its failure message, so the directory goes.
    async kill() {
        await Promise.allSettled([this.gateway.child.stop(), this.mock.child.stop()]);
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

// Polls `probe` every `interval_ms` until it returns a truthy value or `timeout_ms`
// passes; returns the last value. For conditions only another process can make true and
// cannot announce (the mock noticing a closed connection). The interval only paces the
// polling; the wait ends on the condition.
export async function poll_until(probe, { timeout_ms = 5_000, interval_ms = 10 } = {}) {
    const deadline = Date.now() + timeout_ms;
    let value = await probe();
    while (!value && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, interval_ms));
        value = await probe();
    }
    return value;
}
