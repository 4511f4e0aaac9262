// Embeddings and token counts across formats through ringgate, with the official SDKs as
// clients: openai `embeddings.create` against a Gemini model, @google/genai `embedContent`
// against an OpenAI model and `countTokens` against claude and OpenAI models,
// @anthropic-ai/sdk `messages.countTokens` against a Gemini model. Every answer goes through
// the SDK's own parsing. The mock's vectors depend only on the text and the dimensions,
// whichever API asked (tools/mock/README.md), so a translated vector must equal the mock's
// own answer for the same text.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { OpenAI, Stack, client_api_key, word_count } from './harness.mjs';

const { default: Anthropic } = await import('@anthropic-ai/sdk');
const { GoogleGenAI } = await import('@google/genai');

// Routed to the gemini-type provider by the built-in rules; the mock gives gemini-embedding*
// models 3072 dimensions.
const gemini_model = 'gemini-embedding-001';
const openai_model = 'text-embedding-3-small';

describe('embeddings and token counts across formats', { timeout: 30_000 }, () => {
    let stack;
    let openai;
    let direct;  // the mock itself, as an OpenAI server: the reference vectors
    let anthropic;
    let gemini;
    before(async () => {
        stack = await Stack.start();
        const origin = `http://127.0.0.1:${stack.gateway.port}`;
        openai = stack.client();
        direct = new OpenAI({ apiKey: 'sk-direct', baseURL: `${stack.mock.url}/v1`, maxRetries: 0 });
        anthropic = new Anthropic({ apiKey: client_api_key, baseURL: origin, maxRetries: 0 });
        gemini = new GoogleGenAI({ apiKey: client_api_key, httpOptions: { baseUrl: origin } });
    });
    after(async () => {
        await stack?.stop();
    });

    async function reference(input, dimensions) {
        const r = await direct.embeddings.create({
            model: 'reference', input, dimensions, encoding_format: 'float',
        });
        return r.data.map((d) => d.embedding);
    }

    // float32 round trip of the gateway's base64 against the mock's decimal floats.
    function assert_close(actual, expected) {
        assert.equal(actual.length, expected.length);
        for (let i = 0; i < actual.length; ++i) {
            assert.ok(Math.abs(actual[i] - expected[i]) < 1e-6, `at ${i}: ${actual[i]} vs ${expected[i]}`);
        }
    }

    test('openai SDK: one input to a Gemini model (the SDK asks base64)', async () => {
        const r = await openai.embeddings.create({ model: gemini_model, input: 'hello world' },
            { headers: { 'x-test-case': 'embed-one' } });
        assert.equal(r.object, 'list');
        assert.equal(r.model, gemini_model);
        assert.equal(r.data.length, 1);
        assert.equal(r.data[0].index, 0);
        assert.equal(r.data[0].embedding.length, 3072);
        assert_close(r.data[0].embedding, (await reference('hello world', 3072))[0]);
        // Gemini reports no tokens: the gateway's estimate, ceil(11 bytes / 4).
        assert.equal(r.usage.prompt_tokens, 3);
        assert.equal(r.usage.total_tokens, 3);
        const attempts = await stack.mock.attempts_of('embed-one');
        assert.deepEqual(attempts.map((a) => a.path), [`/v1beta/models/${gemini_model}:embedContent`]);
    });

    test('openai SDK: a batch with dimensions, floats, in order', async () => {
        const input = ['first text', 'the second one', 'third'];
        const r = await openai.embeddings.create({
            model: gemini_model, input, dimensions: 12, encoding_format: 'float',
        }, { headers: { 'x-test-case': 'embed-batch' } });
        assert.deepEqual(r.data.map((d) => d.index), [0, 1, 2]);
        assert.deepEqual(r.data.map((d) => d.embedding), await reference(input, 12));
        const attempts = await stack.mock.attempts_of('embed-batch');
        assert.deepEqual(attempts.map((a) => a.path),
            [`/v1beta/models/${gemini_model}:batchEmbedContents`]);
    });

    test('openai SDK: a batch with dimensions, base64 decoded by the SDK', async () => {
        const input = ['one', 'two'];
        const r = await openai.embeddings.create({
            model: gemini_model, input, dimensions: 5, encoding_format: 'base64',
        });
        // Asked explicitly, the SDK hands over the base64 string as it came.
        assert.equal(typeof r.data[0].embedding, 'string');
        const expected = await reference(input, 5);
        r.data.forEach((d, i) => {
            const bytes = Buffer.from(d.embedding, 'base64');
            const floats = Array.from({ length: bytes.length / 4 }, (_, k) => bytes.readFloatLE(4 * k));
            assert_close(floats, expected[i]);
        });
    });

    test('openai SDK: token ids to a Gemini model are refused (400)', async () => {
        await assert.rejects(
            openai.embeddings.create({ model: gemini_model, input: [[1, 2, 3]] }),
            (e) => e instanceof OpenAI.BadRequestError && /token-id input/.test(e.message));
    });

    test('genai SDK: embedContent against an OpenAI model', async () => {
        const r = await gemini.models.embedContent({
            model: openai_model,
            contents: ['why is the sky blue', 'what is a gateway'],
            config: { outputDimensionality: 16, httpOptions: { headers: { 'x-test-case': 'genai-embed' } } },
        });
        assert.equal(r.embeddings.length, 2);
        assert.deepEqual(r.embeddings.map((e) => e.values),
            await reference(['why is the sky blue', 'what is a gateway'], 16));
        const attempts = await stack.mock.attempts_of('genai-embed');
        assert.deepEqual(attempts.map((a) => [a.path, a.model]), [['/v1/embeddings', openai_model]]);
    });

    test('genai SDK: countTokens against a claude model', async () => {
        const text = 'count the words in this sentence';
        const r = await gemini.models.countTokens({
            model: 'claude-sonnet-4-5', contents: text,
            config: { httpOptions: { headers: { 'x-test-case': 'genai-count' } } },
        });
        assert.equal(r.totalTokens, word_count(text));  // the mock counts words
        const attempts = await stack.mock.attempts_of('genai-count');
        assert.deepEqual(attempts.map((a) => a.path), ['/v1/messages/count_tokens']);
    });

    test('genai SDK: countTokens against an OpenAI model is the gateway estimate', async () => {
        const r = await gemini.models.countTokens({
            model: 'gpt-4o-mini', contents: 'abcdefgh ijkl',
            config: { httpOptions: { headers: { 'x-test-case': 'genai-count-openai' } } },
        });
        assert.ok(Number.isInteger(r.totalTokens) && r.totalTokens > 0, JSON.stringify(r));
        // No upstream request: OpenAI has no count endpoint.
        assert.deepEqual(await stack.mock.attempts_of('genai-count-openai'), []);
    });

    test('anthropic SDK: messages.countTokens against a Gemini model', async () => {
        const r = await anthropic.messages.countTokens({
            model: 'gemini-2.5-flash',
            system: 'be brief',
            messages: [{ role: 'user', content: 'four words right here' }],
        }, { headers: { 'x-test-case': 'anthropic-count' } });
        assert.equal(r.input_tokens, word_count('be brief four words right here'));
        const attempts = await stack.mock.attempts_of('anthropic-count');
        assert.deepEqual(attempts.map((a) => a.path), ['/v1beta/models/gemini-2.5-flash:countTokens']);
    });
});
