// The official openai SDK against ringgate in front of ringgate-mock: every proxied OpenAI
// route, streamed and not, read back through the SDK's own types and helpers. The mock's
// answers are a function of the request (see tools/mock/README.md), so values are exact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
    Stack,
    client_api_key,
    configured_model_ids,
    default_tokens,
    mock_text,
    provider_keys,
    word_count,
} from './harness.mjs';

const prompt = 'hello there from the sdk';
const messages = [{ role: 'user', content: prompt }];

// Request options marking the attempts of one test in the mock's log.
function marked(test_case, headers = {}) {
    return { headers: { 'x-test-case': test_case, ...headers } };
}

function assert_usage(usage, completion_tokens) {
    assert.equal(usage.prompt_tokens, word_count(prompt));
    assert.equal(usage.completion_tokens, completion_tokens);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
}

describe('openai SDK through ringgate', { timeout: 20_000 }, () => {
    let stack;
    let client;
    before(async () => {
        stack = await Stack.start();
        client = stack.client();
    });
    after(async () => {
        await stack?.stop();
    });

    test('chat.completions.create returns the upstream text and usage', async () => {
        const c = await client.chat.completions.create({ model: 'gpt-4o', messages });
        assert.equal(c.object, 'chat.completion');
        assert.equal(c.choices.length, 1);
        assert.equal(c.choices[0].message.role, 'assistant');
        assert.equal(c.choices[0].message.content, mock_text(default_tokens));
        assert.equal(c.choices[0].finish_reason, 'stop');
        assert_usage(c.usage, default_tokens);
    });

    test('chat.completions.create passes request fields through (tokens, max_tokens)', async () => {
        const long = await client.chat.completions.create({ model: 'gpt-4o~tokens=9', messages });
        assert.equal(long.choices[0].message.content, mock_text(9));
        assert_usage(long.usage, 9);
        const capped = await client.chat.completions.create({
            model: 'gpt-4o~tokens=9', messages, max_completion_tokens: 3,
        });
        assert.equal(capped.choices[0].message.content, mock_text(3));
        assert.equal(capped.choices[0].finish_reason, 'length');
    });

    test('an alias is rewritten to its target model upstream', async (t) => {
        const c = await client.chat.completions.create({ model: 'smart', messages },
            marked(t.name));
        assert.equal(c.choices[0].message.content, mock_text(default_tokens));
        const attempts = await stack.mock.attempts_of(t.name);
        assert.deepEqual(attempts.map((a) => a.model), ['gpt-4o']);
    });

    test('a streamed chat completion concatenates to the same text and ends normally',
        async () => {
            const whole = await client.chat.completions.create({ model: 'gpt-4o', messages });
            const stream = await client.chat.completions.create({
                model: 'gpt-4o', messages, stream: true,
            });
            let text = '';
            let chunks = 0;
            let role = null;
            let finish_reason = null;
            for await (const chunk of stream) {
                chunks += 1;
                assert.equal(chunk.object, 'chat.completion.chunk');
                assert.equal(chunk.usage ?? null, null, 'usage only when include_usage is set');
                const choice = chunk.choices[0];
                role ??= choice.delta.role ?? null;
                text += choice.delta.content ?? '';
                if (choice.finish_reason) {
                    assert.equal(finish_reason, null, 'one finishing chunk');
                    finish_reason = choice.finish_reason;
                }
            }
            assert.equal(text, whole.choices[0].message.content);
            assert.equal(role, 'assistant');
            assert.equal(finish_reason, 'stop');
            // A role chunk, one per token, the finishing chunk.
            assert.ok(chunks >= default_tokens + 1, `${chunks} chunks`);
            assert.equal(stream.controller.signal.aborted, false, 'the SDK saw a clean end');
        });

    test('stream_options.include_usage yields a final usage chunk', async () => {
        const stream = await client.chat.completions.create({
            model: 'gpt-4o~tokens=7', messages, stream: true,
            stream_options: { include_usage: true },
        });
        let text = '';
        const usage_chunks = [];
        let after_usage = 0;
        for await (const chunk of stream) {
            if (usage_chunks.length > 0) {
                after_usage += 1;
            }
            text += chunk.choices[0]?.delta?.content ?? '';
            if (chunk.usage) {
                usage_chunks.push(chunk);
            }
        }
        assert.equal(text, mock_text(7));
        assert.equal(usage_chunks.length, 1);
        assert.deepEqual(usage_chunks[0].choices, []);
        assert_usage(usage_chunks[0].usage, 7);
        assert.equal(after_usage, 0, 'the usage chunk is the last one');
    });

    test('the chat completion stream helper accumulates the final message', async () => {
        const runner = client.chat.completions.stream({ model: 'gpt-4o', messages });
        let deltas = '';
        runner.on('content', (delta) => {
            deltas += delta;
        });
        const final = await runner.finalChatCompletion();
        assert.equal(final.choices[0].message.content, mock_text(default_tokens));
        assert.equal(deltas, mock_text(default_tokens));
    });

    test('completions.create returns the legacy completion', async () => {
        const c = await client.completions.create({ model: 'gpt-4o', prompt });
        assert.equal(c.object, 'text_completion');
        assert.equal(c.choices[0].text, mock_text(default_tokens));
        assert.equal(c.choices[0].finish_reason, 'stop');
        assert_usage(c.usage, default_tokens);
        const capped = await client.completions.create({ model: 'gpt-4o', prompt, max_tokens: 2 });
        assert.equal(capped.choices[0].text, mock_text(2));
        assert.equal(capped.choices[0].finish_reason, 'length');
    });

    test('a streamed completion concatenates to the same text', async () => {
        const stream = await client.completions.create({ model: 'gpt-4o', prompt, stream: true });
        let text = '';
        for await (const chunk of stream) {
            text += chunk.choices[0]?.text ?? '';
        }
        assert.equal(text, mock_text(default_tokens));
    });

    test('embeddings.create returns vectors of the requested dimensions', async () => {
        const inputs = ['alpha', 'beta gamma'];
        // The SDK asks for base64 unless told otherwise and decodes it itself.
        const e = await client.embeddings.create({
            model: 'text-embedding-3-small', input: inputs, dimensions: 24,
        });
        assert.equal(e.object, 'list');
        assert.equal(e.data.length, inputs.length);
        e.data.forEach((item, i) => {
            assert.equal(item.index, i);
            assert.equal(item.embedding.length, 24);
            assert.ok(item.embedding.every(Number.isFinite));
        });
        assert.notDeepEqual(e.data[0].embedding, e.data[1].embedding);
        assert.equal(e.usage.prompt_tokens, word_count(inputs.join(' ')));
        const floats = await client.embeddings.create({
            model: 'text-embedding-3-small', input: 'alpha', dimensions: 24,
            encoding_format: 'float',
        });
        assert.equal(floats.data[0].embedding.length, 24);
        floats.data[0].embedding.forEach((x, i) => {
            assert.ok(Math.abs(x - e.data[0].embedding[i]) < 1e-6, `component ${i}`);
        });
    });

    test('responses.create returns the output text', async () => {
        const r = await client.responses.create({ model: 'gpt-4o', input: prompt });
        assert.equal(r.object, 'response');
        assert.equal(r.status, 'completed');
        assert.equal(r.output_text, mock_text(default_tokens));
        assert.equal(r.usage.input_tokens, word_count(prompt));
        assert.equal(r.usage.output_tokens, default_tokens);
        assert.equal(r.usage.total_tokens, r.usage.input_tokens + r.usage.output_tokens);
    });

    test('a streamed response yields the full event sequence', async () => {
        const stream = await client.responses.create({
            model: 'gpt-4o', input: prompt, stream: true,
        });
        const types = [];
        let deltas = '';
        let done_text = null;
        let completed = null;
        for await (const event of stream) {
            types.push(event.type);
            if (event.type === 'response.output_text.delta') {
                deltas += event.delta;
            } else if (event.type === 'response.output_text.done') {
                done_text = event.text;
            } else if (event.type === 'response.completed') {
                completed = event.response;
            }
        }
        assert.equal(types[0], 'response.created');
        assert.equal(types.at(-1), 'response.completed');
        assert.equal(types.filter((x) => x === 'response.output_text.delta').length,
            default_tokens);
        assert.equal(deltas, mock_text(default_tokens));
        assert.equal(done_text, deltas);
        assert.equal(completed.status, 'completed');
        assert.equal(completed.usage.output_tokens, default_tokens);
    });

    test('the responses stream helper yields the final response', async () => {
        const final = await client.responses.stream({ model: 'gpt-4o', input: prompt })
            .finalResponse();
        assert.equal(final.output_text, mock_text(default_tokens));
    });

    test('models.list lists the configured models, not wildcards', async () => {
        const ids = [];
        for await (const model of client.models.list()) {
            assert.equal(model.object, 'model');
            ids.push(model.id);
        }
        assert.deepEqual([...ids].sort(), [...configured_model_ids].sort());
    });

    test('models.retrieve returns a configured model and 404s an unknown one', async () => {
        for (const id of configured_model_ids) {
            const model = await client.models.retrieve(id);
            assert.equal(model.id, id);
            assert.equal(model.object, 'model');
        }
        await assert.rejects(client.models.retrieve('no-such-model'), (e) => e.status === 404);
    });

    test('x-request-id is visible on the response and reaches the upstream', async (t) => {
        const { data, response, request_id } = await client.chat.completions
            .create({ model: 'gpt-4o', messages }, marked(t.name)).withResponse();
        assert.equal(data.choices[0].message.content, mock_text(default_tokens));
        const id = response.headers.get('x-request-id');
        assert.match(id ?? '', /^req_/);
        assert.equal(request_id, id);
        assert.equal(data._request_id, id);
        const attempts = await stack.mock.attempts_of(t.name);
        assert.equal(attempts.length, 1);
        assert.equal(attempts[0].headers['x-request-id'], id);
    });

    test('a client x-request-id is kept end to end', async (t) => {
        const options = marked(t.name, { 'x-request-id': 'sdk-trace-7' });
        const { response } = await client.chat.completions
            .create({ model: 'gpt-4o', messages }, options).withResponse();
        assert.equal(response.headers.get('x-request-id'), 'sdk-trace-7');
        const attempts = await stack.mock.attempts_of(t.name);
        assert.equal(attempts[0].headers['x-request-id'], 'sdk-trace-7');
    });

    test('the upstream sees a provider key, never the client API key', async (t) => {
        for (let i = 0; i < 4; i += 1) {
            await client.chat.completions.create({ model: 'gpt-4o', messages }, marked(t.name));
        }
        await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' },
            marked(t.name));
        await client.responses.create({ model: 'gpt-4o', input: 'x' }, marked(t.name));
        const attempts = await stack.mock.attempts_of(t.name);
        assert.equal(attempts.length, 6);
        for (const a of attempts) {
            assert.ok(provider_keys.includes(a.key), `upstream key ${a.key}`);
        }
        const whole_log = JSON.stringify(await stack.mock.attempts());
        assert.equal(whole_log.includes(client_api_key), false, whole_log);
    });
});
