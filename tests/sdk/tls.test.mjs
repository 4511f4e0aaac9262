// The official openai SDK against ringgate over HTTPS (server.tls): a test CA and a
// certificate for localhost made with the openssl CLI, handed to node through
// NODE_EXTRA_CA_CERTS in a child process (tls_client.mjs). Chat (plain and streamed) and
// models go through TLS; without the CA the SDK refuses the certificate.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import {
    Gateway,
    Mock,
    client_api_key,
    configured_model_ids,
    default_tokens,
    gateway_config,
    mock_text,
    poll_until,
} from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// ca.pem, and srv.pem/srv.key for localhost and 127.0.0.1 signed by it, in `dir`.
function make_pki(dir) {
    const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=ringgate sdk test CA');
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost');
    fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
        '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf');
}

// gateway_config() with server.tls added under server:.
function tls_config(mock_port, dir) {
    const tls = `  tls: {cert: ${path.join(dir, 'srv.pem')}, key: ${path.join(dir, 'srv.key')}}\n`;
    return gateway_config(mock_port).replace('  shutdown_grace: 5s\n', `  shutdown_grace: 5s\n${tls}`);
}

// Runs tls_client.mjs against `base_url`; `ca_file` goes to NODE_EXTRA_CA_CERTS.
async function run_client(base_url, ca_file) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    if (ca_file) {
        env.NODE_EXTRA_CA_CERTS = ca_file;
    }
    const { stdout } = await promisify(execFile)(process.execPath,
        [path.join(here, 'tls_client.mjs'), base_url, client_api_key],
        { env, timeout: 30_000 });
    return JSON.parse(stdout.trim().split('\n').pop());
}

describe('openai SDK through ringgate over HTTPS', { timeout: 60_000 }, () => {
    let dir;
    let mock;
    let gateway;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringgate-sdk-tls-'));
        make_pki(dir);
        mock = await Mock.start(dir, ['--tokens', String(default_tokens)]);
        gateway = await Gateway.start(dir, tls_config(mock.port, dir));
    });
    after(async () => {
        const results = await Promise.allSettled([gateway?.stop()]);
        results.push(...await Promise.allSettled([mock?.stop()]));
        const failed = results.filter((r) => r.status === 'rejected');
        if (failed.length > 0) {
            throw new Error(`stop failed (logs in ${dir}):\n` +
                failed.map((r) => r.reason.message).join('\n'));
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });

    test('chat, a streamed chat and models.list over a verified TLS connection', async () => {
        const before_handshakes = await gateway.metric('ringgate_tls_handshakes_total');
        const r = await run_client(`https://localhost:${gateway.port}/v1`,
            path.join(dir, 'ca.pem'));
        assert.equal(r.ok, true, JSON.stringify(r));
        assert.equal(r.chat.text, mock_text(default_tokens));
        assert.equal(r.chat.usage.completion_tokens, default_tokens);
        assert.equal(r.stream.text, mock_text(7));
        assert.equal(r.stream.finish_reason, 'stop');
        assert.equal(r.stream.usage.completion_tokens, 7);
        assert.ok(r.stream.chunks >= 7, `${r.stream.chunks} chunks`);
        assert.deepEqual([...r.models].sort(), [...configured_model_ids].sort());
        assert.ok(await gateway.metric('ringgate_tls_handshakes_total') > before_handshakes);
    });

    test('without the test CA the SDK refuses the certificate', async () => {
        const before_errors = await gateway.metric('ringgate_tls_handshake_errors_total');
        const r = await run_client(`https://localhost:${gateway.port}/v1`, null);
        assert.equal(r.ok, false, JSON.stringify(r));
        assert.equal(r.name, 'APIConnectionError', JSON.stringify(r));
        assert.match(r.cause, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
            JSON.stringify(r));
        // The server counts the handshake the client gave up on (the client may exit before
        // the server has read its close: poll).
        const counted = await poll_until(async () =>
            await gateway.metric('ringgate_tls_handshake_errors_total') > before_errors);
        assert.ok(counted, 'ringgate_tls_handshake_errors_total did not grow');
    });

    test('plain HTTP to the TLS listener gets no answer', async () => {
        await assert.rejects(fetch(`http://127.0.0.1:${gateway.port}/health`));
        assert.equal(gateway.running(), true);
    });
});
