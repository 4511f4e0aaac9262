// Failures as the official openai SDK sees them through ringgate: gateway errors and upstream
// faults (injected with ringgate-mock model directives) must surface as the SDK's error
// classes with the right status, and a broken stream must throw, never end cleanly.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { OpenAI, Stack, default_tokens, mock_text, poll_until } from './harness.mjs';

const messages = [{ role: 'user', content: 'hello' }];

function marked(test_case) {
    return { headers: { 'x-test-case': test_case } };
}

// Iterates a stream to its end, returning the text seen and what ended it.
async function drain(stream) {
    let text = '';
    try {
        for await (const chunk of stream) {
            text += chunk.choices[0]?.delta?.content ?? '';
        }
    } catch (error) {
        return { text, error };
    }
    return { text, error: null };
}

describe('openai SDK errors through ringgate', { timeout: 20_000 }, () => {
    let stack;
    let client;
    before(async () => {
        stack = await Stack.start();
        client = stack.client();
    });
    after(async () => {
        await stack?.stop();
    });

    test('an unknown model throws NotFoundError with the gateway message', async (t) => {
        const error = await client.chat.completions
            .create({ model: 'llama-3-70b', messages }, marked(t.name))
            .then(() => null, (e) => e);
        assert.ok(error instanceof OpenAI.NotFoundError, `${error?.constructor.name}: ${error}`);
        assert.equal(error.status, 404);
        assert.equal(error.code, 'model_not_found');
        assert.equal(error.type, 'invalid_request_error');
        assert.match(error.message, /^404 The model 'llama-3-70b' does not exist or is not routed/);
        assert.match(error.requestID ?? '', /^req_/);
        assert.equal((await stack.mock.attempts_of(t.name)).length, 0, 'not sent upstream');
    });

    test('an upstream 429 throws RateLimitError with its retry hint', async (t) => {
        const error = await client.chat.completions
            .create({ model: 'gpt-4o~429~retry_after=2', messages }, marked(t.name))
            .then(() => null, (e) => e);
        assert.ok(error instanceof OpenAI.RateLimitError, `${error?.constructor.name}: ${error}`);
        assert.equal(error.status, 429);
        assert.equal(error.code, 'rate_limit_exceeded');
        assert.equal(error.headers.get('retry-after'), '2');
        // maxRetries 0: the SDK tried once; the gateway tried both keys, waited for the
        // first cooldown (2 s, within backoff.max) and tried again: max_attempts (3) in all.
        const attempts = await stack.mock.attempts_of(t.name);
        assert.deepEqual(attempts.map((a) => a.status), [429, 429, 429]);
    });

    test('the SDK retries an upstream 429 through the gateway and succeeds', async (t) => {
        const retrying = stack.client({ maxRetries: 2 });
        const c = await retrying.chat.completions.create(
            { model: 'gpt-4o~429~retry_after_ms=20~count=1', messages }, marked(t.name));
        assert.equal(c.choices[0].message.content, mock_text(default_tokens));
        const attempts = await stack.mock.attempts_of(t.name);
        assert.deepEqual(attempts.map((a) => a.status), [429, 200]);
    });

    test('an upstream error status of the client kind keeps its class', async () => {
        const error = await client.chat.completions
            .create({ model: 'gpt-4o~context_length', messages })
            .then(() => null, (e) => e);
        assert.ok(error instanceof OpenAI.BadRequestError, `${error?.constructor.name}: ${error}`);
        assert.equal(error.code, 'context_length_exceeded');
    });

    test('an upstream connection reset throws a 502 InternalServerError', async () => {
        const error = await client.chat.completions
            .create({ model: 'gpt-4o~reset', messages })
            .then(() => null, (e) => e);
        assert.ok(error instanceof OpenAI.InternalServerError,
            `${error?.constructor.name}: ${error}`);
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 502);
        assert.ok(error.error?.message, 'an OpenAI error envelope');
    });

    test('a silent upstream throws a 504 after the first-byte timeout', async () => {
        const started = Date.now();
        const error = await client.chat.completions
            .create({ model: 'gpt-4o~hang', messages })
            .then(() => null, (e) => e);
        assert.ok(error instanceof OpenAI.InternalServerError,
            `${error?.constructor.name}: ${error}`);
        assert.equal(error.status, 504);
        assert.ok(Date.now() - started >= 900, 'not before first_byte_timeout (1s)');
    });

    test('a stream cut mid-way throws while iterating', async () => {
        const stream = await client.chat.completions.create({
            model: 'gpt-4o~cut~after=2', messages, stream: true,
        });
        const { text, error } = await drain(stream);
        assert.ok(error, `the stream ended cleanly after "${text}"`);
        assert.ok(error instanceof OpenAI.APIError, `${error.constructor.name}: ${error}`);
        assert.equal(text, mock_text(2), 'the tokens sent before the cut arrive');
    });

    test('a stalled stream throws after the stall timeout', async () => {
        const stream = await client.chat.completions.create({
            model: 'gpt-4o~stall~after=2', messages, stream: true,
        });
        const { text, error } = await drain(stream);
        assert.ok(error, `the stream ended cleanly after "${text}"`);
        assert.ok(error instanceof OpenAI.APIError, `${error.constructor.name}: ${error}`);
        assert.equal(text, mock_text(2));
    });

    test('an upstream in-stream error event throws with its message', async () => {
        const stream = await client.chat.completions.create({
            model: 'gpt-4o~stream_error~after=1', messages, stream: true,
        });
        const { text, error } = await drain(stream);
        assert.ok(error instanceof OpenAI.APIError, `${error?.constructor.name}: ${error}`);
        assert.match(error.message, /server had an error/);
        assert.equal(text, mock_text(1));
    });

    test('a streamed request rejected upstream throws before any chunk', async () => {
        const error = await client.chat.completions
            .create({ model: 'gpt-4o~429~retry_after=1', messages, stream: true })
            .then(() => null, (e) => e);
        assert.ok(error instanceof OpenAI.RateLimitError, `${error?.constructor.name}: ${error}`);
        assert.equal(error.code, 'rate_limit_exceeded');
        const reset = await client.chat.completions
            .create({ model: 'gpt-4o~reset', messages, stream: true })
            .then(() => null, (e) => e);
        assert.ok(reset instanceof OpenAI.InternalServerError, `${reset?.constructor.name}`);
        assert.equal(reset.status, 502);
    });

    test('a non-streamed answer cut mid-body throws, never a partial object', async () => {
        // The upstream's head (200, content-length) is relayed before the cut, so the SDK
        // sees a body that ends early (fetch's `terminated` error today); a gateway that
        // buffered and answered 502 would pass too.
        const result = await client.chat.completions
            .create({ model: 'gpt-4o~cut', messages })
            .then((c) => ({ resolved: c }), (e) => ({ error: e }));
        assert.ok(result.error instanceof Error, `resolved: ${JSON.stringify(result.resolved)}`);
    });

    test('a cut Responses stream throws from the event iterator', async () => {
        const stream = await client.responses.create({
            model: 'gpt-4o~cut~after=2', input: 'hello', stream: true,
        });
        let deltas = '';
        let error = null;
        try {
            for await (const event of stream) {
                if (event.type === 'response.output_text.delta') {
                    deltas += event.delta;
                }
            }
        } catch (e) {
            error = e;
        }
        assert.ok(error instanceof OpenAI.APIError, `ended cleanly after "${deltas}"`);
        assert.equal(deltas, mock_text(2));
    });

    test('an SDK abort mid-stream cancels the upstream request', async (t) => {
        const stream = await client.chat.completions.create(
            { model: 'gpt-4o~tokens=500~delay=10', messages, stream: true }, marked(t.name));
        let chunks = 0;
        for await (const chunk of stream) {
            chunks += 1;
            if (chunk.choices[0]?.delta?.content) {
                break;  // The SDK aborts the request when the loop is left early.
            }
        }
        assert.ok(chunks >= 1);
        assert.equal(stream.controller.signal.aborted, true);
        const cancelled = await poll_until(async () => {
            const attempts = await stack.mock.attempts_of(t.name);
            return attempts.length === 1 && attempts[0].cancelled;
        });
        assert.ok(cancelled, JSON.stringify(await stack.mock.attempts_of(t.name)));
    });
});
