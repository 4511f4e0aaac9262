// Many SDK streams at once through ringgate: each must arrive whole, in order, and end
// normally, and each must reach the upstream exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Stack, mock_text } from './harness.mjs';

const streams = 200;
const tokens = 20;

describe('openai SDK concurrency through ringgate', { timeout: 30_000 }, () => {
    let stack;
    let client;
    before(async () => {
        stack = await Stack.start();
        client = stack.client();
    });
    after(async () => {
        await stack?.stop();
    });

    test(`${streams} concurrent streamed chat completions all complete`, async (t) => {
        // A small per-token delay keeps every stream open at the same time.
        const model = `gpt-4o~tokens=${tokens}~delay=2`;
        const one = async (i) => {
            const stream = await client.chat.completions.create(
                {
                    model,
                    stream: true,
                    stream_options: { include_usage: true },
                    messages: [{ role: 'user', content: `stream number ${i}` }],
                },
                { headers: { 'x-test-case': t.name } });
            let text = '';
            let usage = null;
            for await (const chunk of stream) {
                text += chunk.choices[0]?.delta?.content ?? '';
                usage = chunk.usage ?? usage;
            }
            return { text, usage };
        };
        const results = await Promise.all(Array.from({ length: streams }, (_, i) => one(i)));
        const expected = mock_text(tokens);
        results.forEach(({ text, usage }, i) => {
            assert.equal(text, expected, `stream ${i}`);
            assert.equal(usage?.completion_tokens, tokens, `stream ${i} usage`);
            assert.equal(usage?.prompt_tokens, 3, `stream ${i} usage`);
        });
        const attempts = await stack.mock.attempts_of(t.name);
        assert.equal(attempts.length, streams);
        assert.ok(attempts.every((a) => a.status === 200 && !a.cancelled && a.stream));
    });
});
