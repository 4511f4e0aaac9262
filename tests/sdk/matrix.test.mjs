// The format matrix (issue 5): every client format (OpenAI Chat Completions and Responses
// through the `openai` SDK, Anthropic Messages through `@anthropic-ai/sdk`, Gemini
// generateContent through `@google/genai`) against every kind of upstream (an `openai`
// provider with `api: chat`, one with `api: responses`, an `anthropic` and a `gemini`
// provider), for text, streamed text, a tool call, a streamed tool call and a provider
// error: 4 x 4 x 5 = 80 named cases on one stack, run concurrently. Same-format pairs are
// byte passthrough, the other twelve are translated. Each case asserts what the SDK parsed
// (text, finish reason, usage, tool name, arguments and id, error class and status) against
// the mock's deterministic answer (tools/mock/README.md), and that its one upstream attempt
// went to the provider kind the case names (path and key in the mock's attempt log).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
    OpenAI,
    Stack,
    anthropic_provider_key,
    chat_only_provider_key,
    client_api_key,
    default_tokens,
    gateway_config_all_kinds,
    gemini_provider_key,
    mock_text,
    responses_provider_key,
    word_count,
} from './harness.mjs';

const { default: Anthropic } = await import('@anthropic-ai/sdk');
const { ApiError: GeminiApiError, GoogleGenAI } = await import('@google/genai');

const prompt = 'what is the weather like in the matrix today';
const text = mock_text(default_tokens);
const usage = { prompt: word_count(prompt), completion: default_tokens };

// The mock calls the first tool with every required property filled: strings "mock" (or the
// first enum value), numbers 0, booleans false, arrays [].
const tool = {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
        type: 'object',
        properties: {
            city: { type: 'string' },
            unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
            days: { type: 'integer' },
            hourly: { type: 'boolean' },
            fields: { type: 'array', items: { type: 'string' } },
            note: { type: 'string' },
        },
        required: ['city', 'unit', 'days', 'hourly', 'fields'],
    },
};
const tool_args = { city: 'mock', unit: 'celsius', days: 0, hourly: false, fields: [] };

// The upstream kinds: a model each routes to, the path and keys its provider is reached
// with, and the id of the tool call a client sees, by client: the mock's ids are carried
// through translation; a Gemini upstream gives none, so the gateway mints one from the
// request id, in the client format's style. The Chat Completions upstream is an `api:
// chat_only` provider, so that Responses clients are translated to it too (an `api: chat`
// one is OpenAI's whole API and gets them passed through, as routes.test.mjs checks).
const upstreams = {
    chat: {
        model: 'chat-only-4o',
        path: () => '/v1/chat/completions',
        keys: [chat_only_provider_key],
        call_id: () => /^call_mock\w+$/,
    },
    responses: {
        model: 'resp-4o',
        path: () => '/v1/responses',
        keys: [responses_provider_key],
        call_id: () => /^call_mock\w+$/,
    },
    anthropic: {
        model: 'claude-sonnet-4-5',
        path: () => '/v1/messages',
        keys: [anthropic_provider_key],
        call_id: () => /^toolu_mock\w+$/,
    },
    gemini: {
        model: 'gemini-2.5-flash',
        path: (model, stream) =>
            `/v1beta/models/${model}:${stream ? 'streamGenerateContent' : 'generateContent'}`,
        keys: [gemini_provider_key],
        call_id: (client) => (client === 'anthropic' ? /^toolu_req_\w+_0$/ : /^call_req_\w+_0$/),
    },
};

// The fault each error case asks of the upstream: 400 context_length_exceeded, which every
// provider kind answers in its own envelope and the gateway hands back (translated) as a
// 400 invalid request. A 400 leaves the provider's keys healthy, so the concurrent cases
// on the same provider are not disturbed.
const fault = '~context_length';

// The SDK clients, made once the stack runs; tag(id) is the header that marks a case's
// upstream attempts in the mock's log.
const sdk = {};
const tag = (id) => ({ 'x-test-case': id });

// The Chat Completions client: chat.completions.create, and the stream helper.
const chat = {
    async text(model, id) {
        const c = await sdk.openai.chat.completions.create(
            { model, messages: [{ role: 'user', content: prompt }] }, { headers: tag(id) });
        assert.equal(c.object, 'chat.completion');
        assert.equal(c.model, model);
        assert.equal(c.choices.length, 1);
        assert.equal(c.choices[0].message.role, 'assistant');
        assert.equal(c.choices[0].message.content, text);
        assert.equal(c.choices[0].finish_reason, 'stop');
        assert_chat_usage(c.usage);
    },

    async stream_text(model, id) {
        const stream = await sdk.openai.chat.completions.create({
            model,
            messages: [{ role: 'user', content: prompt }],
            stream: true,
            stream_options: { include_usage: true },
        }, { headers: tag(id) });
        const deltas = [];
        let finish = null;
        let last_usage = null;
        for await (const chunk of stream) {
            assert.equal(chunk.object, 'chat.completion.chunk');
            const content = chunk.choices[0]?.delta?.content;
            if (content) {
                deltas.push(content);
            }
            finish = chunk.choices[0]?.finish_reason ?? finish;
            last_usage = chunk.usage ?? last_usage;
        }
        assert.equal(deltas.join(''), text);
        assert.equal(deltas.length, default_tokens);
        assert.equal(finish, 'stop');
        assert_chat_usage(last_usage);
    },

    async tool(model, id, upstream) {
        const c = await sdk.openai.chat.completions.create({
            model,
            messages: [{ role: 'user', content: prompt }],
            tools: [{ type: 'function', function: tool }],
        }, { headers: tag(id) });
        assert.equal(c.choices[0].finish_reason, 'tool_calls');
        const calls = c.choices[0].message.tool_calls;
        assert.equal(calls.length, 1);
        assert.equal(calls[0].type, 'function');
        assert.equal(calls[0].function.name, tool.name);
        assert.deepEqual(JSON.parse(calls[0].function.arguments), tool_args);
        assert.match(calls[0].id, upstream.call_id('chat'));
        assert_chat_usage(c.usage);
    },

    async stream_tool(model, id, upstream) {
        const runner = sdk.openai.chat.completions.stream({
            model,
            messages: [{ role: 'user', content: prompt }],
            tools: [{ type: 'function', function: tool }],
            stream_options: { include_usage: true },
        }, { headers: tag(id) });
        let fragments = '';
        const done = [];
        runner.on('tool_calls.function.arguments.delta', (e) => {
            fragments += e.arguments_delta;
        });
        runner.on('tool_calls.function.arguments.done', (e) => done.push(e));
        const c = await runner.finalChatCompletion();
        assert.deepEqual(JSON.parse(fragments), tool_args);
        assert.equal(done.length, 1);
        assert.equal(done[0].name, tool.name);
        assert.equal(done[0].arguments, fragments);
        assert.equal(c.choices[0].finish_reason, 'tool_calls');
        const calls = c.choices[0].message.tool_calls;
        assert.equal(calls.length, 1);
        assert.equal(calls[0].function.name, tool.name);
        assert.equal(calls[0].function.arguments, fragments);
        assert.match(calls[0].id, upstream.call_id('chat'));
        assert_chat_usage(c.usage);
    },

    async error(model, id) {
        const request = { model, messages: [{ role: 'user', content: prompt }] };
        for (const stream of [false, true]) {
            await assert.rejects(
                sdk.openai.chat.completions.create({ ...request, stream }, { headers: tag(id) }),
                (e) => assert_openai_error(e));
        }
    },
};

function assert_chat_usage(u) {
    assert.equal(u.prompt_tokens, usage.prompt);
    assert.equal(u.completion_tokens, usage.completion);
    assert.equal(u.total_tokens, usage.prompt + usage.completion);
}

function assert_openai_error(e) {
    assert.ok(e instanceof OpenAI.BadRequestError, `${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.status, 400);
    assert.equal(e.type, 'invalid_request_error');
    assert.equal(e.code, 'context_length_exceeded');
    return true;
}

// The Responses client: responses.create, and the responses.stream helper.
const responses = {
    async text(model, id) {
        const r = await sdk.openai.responses.create({ model, input: prompt }, { headers: tag(id) });
        assert_response_text(r, model);
    },

    async stream_text(model, id) {
        const stream = sdk.openai.responses.stream({ model, input: prompt }, { headers: tag(id) });
        const deltas = [];
        stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
        const r = await stream.finalResponse();
        assert.equal(deltas.join(''), text);
        assert.equal(deltas.length, default_tokens);
        assert_response_text(r, model);
    },

    async tool(model, id, upstream) {
        const r = await sdk.openai.responses.create({
            model, input: prompt, tools: [{ type: 'function', ...tool }],
        }, { headers: tag(id) });
        const call = assert_response_call(r, model, upstream);
        assert.deepEqual(JSON.parse(call.arguments), tool_args);
    },

    async stream_tool(model, id, upstream) {
        const stream = sdk.openai.responses.stream({
            model, input: prompt, tools: [{ type: 'function', ...tool }],
        }, { headers: tag(id) });
        let fragments = '';
        const done = [];
        stream.on('response.function_call_arguments.delta', (e) => {
            fragments += e.delta;
        });
        stream.on('response.function_call_arguments.done', (e) => done.push(e));
        const r = await stream.finalResponse();
        assert.deepEqual(JSON.parse(fragments), tool_args);
        assert.equal(done.length, 1);
        assert.equal(done[0].arguments, fragments);
        const call = assert_response_call(r, model, upstream);
        assert.equal(call.arguments, fragments);
    },

    async error(model, id) {
        for (const stream of [false, true]) {
            await assert.rejects(
                sdk.openai.responses.create({ model, input: prompt, stream }, { headers: tag(id) }),
                (e) => assert_openai_error(e));
        }
    },
};

function assert_response_text(r, model) {
    assert.equal(r.object, 'response');
    assert.equal(r.status, 'completed');
    assert.equal(r.model, model);
    assert.equal(r.output.length, 1);
    assert.equal(r.output[0].type, 'message');
    assert.equal(r.output[0].role, 'assistant');
    assert.equal(r.output[0].content[0].type, 'output_text');
    assert.equal(r.output[0].content[0].text, text);
    assert.equal(r.output_text, text);
    assert_response_usage(r.usage);
}

function assert_response_call(r, model, upstream) {
    assert.equal(r.status, 'completed');
    assert.equal(r.model, model);
    const calls = r.output.filter((o) => o.type === 'function_call');
    assert.equal(calls.length, 1, JSON.stringify(r.output));
    assert.equal(calls[0].name, tool.name);
    assert.match(calls[0].call_id, upstream.call_id('responses'));
    assert_response_usage(r.usage);
    return calls[0];
}

function assert_response_usage(u) {
    assert.equal(u.input_tokens, usage.prompt);
    assert.equal(u.output_tokens, usage.completion);
    assert.equal(u.total_tokens, usage.prompt + usage.completion);
}

// The Anthropic client: messages.create, and the messages.stream helper.
function anthropic_request(model, extra = {}) {
    return { model, max_tokens: 256, messages: [{ role: 'user', content: prompt }], ...extra };
}
const anthropic_tools = {
    tools: [{ name: tool.name, description: tool.description, input_schema: tool.parameters }],
};

const anthropic = {
    async text(model, id) {
        const m = await sdk.anthropic.messages.create(anthropic_request(model),
            { headers: tag(id) });
        assert_message_text(m, model);
    },

    async stream_text(model, id) {
        const stream = sdk.anthropic.messages.stream(anthropic_request(model),
            { headers: tag(id) });
        const deltas = [];
        stream.on('text', (delta) => deltas.push(delta));
        const m = await stream.finalMessage();
        assert.equal(deltas.join(''), text);
        assert.equal(deltas.length, default_tokens);
        assert_message_text(m, model);
    },

    async tool(model, id, upstream) {
        const m = await sdk.anthropic.messages.create(anthropic_request(model, anthropic_tools),
            { headers: tag(id) });
        assert_message_call(m, model, upstream);
    },

    async stream_tool(model, id, upstream) {
        const stream = sdk.anthropic.messages.stream(anthropic_request(model, anthropic_tools),
            { headers: tag(id) });
        let fragments = '';
        let snapshot;
        stream.on('inputJson', (partial, json) => {
            fragments += partial;
            snapshot = json;
        });
        const m = await stream.finalMessage();
        assert.deepEqual(JSON.parse(fragments), tool_args);
        assert.deepEqual(snapshot, tool_args);
        assert_message_call(m, model, upstream);
    },

    async error(model, id) {
        for (const stream of [false, true]) {
            await assert.rejects(
                sdk.anthropic.messages.create({ ...anthropic_request(model), stream },
                    { headers: tag(id) }),
                (e) => {
                    assert.ok(e instanceof Anthropic.BadRequestError,
                        `${e?.constructor?.name}: ${e?.message}`);
                    assert.ok(e instanceof Anthropic.APIError);
                    assert.equal(e.status, 400);
                    assert.equal(e.error.type, 'error');
                    assert.equal(e.error.error.type, 'invalid_request_error');
                    return true;
                });
        }
    },
};

function assert_message_text(m, model) {
    assert.equal(m.type, 'message');
    assert.equal(m.role, 'assistant');
    assert.equal(m.model, model);
    assert.equal(m.content.length, 1);
    assert.equal(m.content[0].type, 'text');
    assert.equal(m.content[0].text, text);
    assert.equal(m.stop_reason, 'end_turn');
    assert_message_usage(m.usage);
}

function assert_message_call(m, model, upstream) {
    assert.equal(m.model, model);
    assert.equal(m.stop_reason, 'tool_use');
    const uses = m.content.filter((b) => b.type === 'tool_use');
    assert.equal(uses.length, 1, JSON.stringify(m.content));
    assert.equal(uses[0].name, tool.name);
    assert.deepEqual(uses[0].input, tool_args);
    assert.match(uses[0].id, upstream.call_id('anthropic'));
    assert_message_usage(m.usage);
}

function assert_message_usage(u) {
    assert.equal(u.input_tokens, usage.prompt);
    assert.equal(u.output_tokens, usage.completion);
}

// The Gemini client: models.generateContent and models.generateContentStream.
function gemini_request(model, id, config = {}) {
    return { model, contents: prompt, config: { ...config, httpOptions: { headers: tag(id) } } };
}
const gemini_tools = { tools: [{ functionDeclarations: [tool] }] };

const gemini = {
    async text(model, id) {
        const a = await sdk.gemini.models.generateContent(gemini_request(model, id));
        assert.equal(a.text, text);
        assert.equal(a.candidates.length, 1);
        assert.equal(a.candidates[0].content.role, 'model');
        assert.equal(a.candidates[0].finishReason, 'STOP');
        assert.equal(a.modelVersion, model);
        assert_gemini_usage(a.usageMetadata);
    },

    async stream_text(model, id) {
        const deltas = [];
        let last;
        for await (const chunk of
            await sdk.gemini.models.generateContentStream(gemini_request(model, id))) {
            if (chunk.text) {
                deltas.push(chunk.text);
            }
            last = chunk;
        }
        assert.equal(deltas.join(''), text);
        assert.equal(deltas.length, default_tokens);
        assert.equal(last.candidates[0].finishReason, 'STOP');
        assert_gemini_usage(last.usageMetadata);
    },

    async tool(model, id) {
        const a = await sdk.gemini.models.generateContent(gemini_request(model, id, gemini_tools));
        assert.equal(a.functionCalls.length, 1);
        assert.equal(a.functionCalls[0].name, tool.name);
        assert.deepEqual(a.functionCalls[0].args, tool_args);
        assert.equal(a.candidates[0].finishReason, 'STOP');
        assert_gemini_usage(a.usageMetadata);
    },

    async stream_tool(model, id) {
        const calls = [];
        let last;
        for await (const chunk of await sdk.gemini.models.generateContentStream(
            gemini_request(model, id, gemini_tools))) {
            calls.push(...(chunk.functionCalls ?? []));
            last = chunk;
        }
        assert.equal(calls.length, 1);
        assert.equal(calls[0].name, tool.name);
        assert.deepEqual(calls[0].args, tool_args);
        assert.equal(last.candidates[0].finishReason, 'STOP');
        assert_gemini_usage(last.usageMetadata);
    },

    async error(model, id) {
        const calls = [
            () => sdk.gemini.models.generateContent(gemini_request(model, id)),
            () => sdk.gemini.models.generateContentStream(gemini_request(model, id)),
        ];
        for (const call of calls) {
            await assert.rejects(call(), (e) => {
                assert.ok(e instanceof GeminiApiError, `${e?.constructor?.name}: ${e?.message}`);
                assert.equal(e.status, 400);
                assert.match(e.message, /INVALID_ARGUMENT/);
                return true;
            });
        }
    },
};

function assert_gemini_usage(u) {
    assert.equal(u.promptTokenCount, usage.prompt);
    assert.equal(u.candidatesTokenCount, usage.completion);
    assert.equal(u.totalTokenCount, usage.prompt + usage.completion);
}

const clients = { chat, responses, anthropic, gemini };
const kinds = ['text', 'stream_text', 'tool', 'stream_tool', 'error'];

// The upstream attempts of one case: each on the upstream's path with one of its keys,
// streamed when the case streamed, never with the client's key.
async function assert_attempts(id, upstream, model, kind) {
    const attempts = await stack.mock.attempts_of(id);
    const streams = kind === 'error' ? [false, true] : [kind.startsWith('stream_')];
    assert.equal(attempts.length, streams.length, JSON.stringify(attempts));
    attempts.forEach((a, i) => {
        assert.equal(a.path, upstream.path(model, streams[i]), JSON.stringify(a));
        assert.ok(upstream.keys.includes(a.key), JSON.stringify(a));
        assert.equal(a.stream, streams[i], JSON.stringify(a));
        assert.equal(a.status, kind === 'error' ? 400 : 200, JSON.stringify(a));
    });
}

let stack;

describe('format matrix: 4 client formats x 4 upstream kinds x 5 cases',
    { concurrency: true, timeout: 60_000 }, () => {
        before(async () => {
            stack = await Stack.start({ config: gateway_config_all_kinds });
            const origin = `http://127.0.0.1:${stack.gateway.port}`;
            sdk.openai = stack.client();
            sdk.anthropic = new Anthropic({ apiKey: client_api_key, baseURL: origin,
                maxRetries: 0, timeout: 15_000 });
            sdk.gemini = new GoogleGenAI({ apiKey: client_api_key,
                httpOptions: { baseUrl: origin, timeout: 15_000 } });
        });
        after(async () => {
            await stack?.stop();
        });

        for (const [client_name, client] of Object.entries(clients)) {
            for (const [upstream_name, upstream] of Object.entries(upstreams)) {
                for (const kind of kinds) {
                    const id = `matrix ${client_name} <- ${upstream_name}: ${kind}`;
                    test(id, async () => {
                        const model = kind === 'error' ? upstream.model + fault : upstream.model;
                        await client[kind](model, id, upstream);
                        await assert_attempts(id, upstream, model, kind);
                    });
                }
            }
        }
    });
