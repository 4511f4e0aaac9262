// The official Anthropic and Google Gen AI SDKs against ringgate in front of ringgate-mock:
// each SDK reaching a provider of its own format (streams included), and each reaching a
// model served in another format (translated answers, not streamed yet). The SDKs' own
// parsing and types must accept every answer; values are exact (tools/mock/README.md).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
    Stack,
    anthropic_provider_key,
    client_api_key,
    default_tokens,
    gemini_provider_key,
    mock_text,
    word_count,
} from './harness.mjs';

const { default: Anthropic } = await import('@anthropic-ai/sdk');
const { GoogleGenAI } = await import('@google/genai');

const prompt = 'hello there from the sdk';

describe('anthropic and gemini SDKs through ringgate', { timeout: 30_000 }, () => {
    let stack;
    let anthropic;
    let gemini;
    before(async () => {
        stack = await Stack.start();
        const origin = `http://127.0.0.1:${stack.gateway.port}`;
        anthropic = new Anthropic({ apiKey: client_api_key, baseURL: origin, maxRetries: 0 });
        gemini = new GoogleGenAI({ apiKey: client_api_key, httpOptions: { baseUrl: origin } });
    });
    after(async () => {
        await stack?.stop();
    });

    function anthropic_request(model, extra = {}) {
        return { model, max_tokens: 64, messages: [{ role: 'user', content: prompt }], ...extra };
    }

    test('anthropic SDK: a claude model, not streamed', async () => {
        const message = await anthropic.messages.create(anthropic_request('claude-sonnet-4-5'));
        assert.equal(message.type, 'message');
        assert.equal(message.content[0].type, 'text');
        assert.equal(message.content[0].text, mock_text(default_tokens));
        assert.equal(message.stop_reason, 'end_turn');
        assert.equal(message.usage.input_tokens, word_count(prompt));
        assert.equal(message.usage.output_tokens, default_tokens);
        const log = JSON.stringify(await stack.mock.attempts());
        assert.ok(log.includes(`"key":"${anthropic_provider_key}"`), log);
        assert.ok(!log.includes(client_api_key), 'the client key never reaches the provider');
    });

    test('anthropic SDK: a claude model, streamed', async () => {
        const stream = anthropic.messages.stream(anthropic_request('claude-sonnet-4-5'));
        let text = '';
        stream.on('text', (delta) => {
            text += delta;
        });
        const message = await stream.finalMessage();
        assert.equal(text, mock_text(default_tokens));
        assert.equal(message.content[0].text, mock_text(default_tokens));
        assert.equal(message.usage.output_tokens, default_tokens);
    });

    test('anthropic SDK: an OpenAI model, translated', async () => {
        const message = await anthropic.messages.create(
            anthropic_request('gpt-4o', { system: 'be brief' }));
        assert.equal(message.type, 'message');
        assert.equal(message.role, 'assistant');
        assert.equal(message.content[0].text, mock_text(default_tokens));
        assert.equal(message.stop_reason, 'end_turn');
        assert.equal(message.model, 'gpt-4o');
        assert.equal(message.usage.output_tokens, default_tokens);
        assert.equal(message.usage.input_tokens, word_count(`be brief ${prompt}`));
    });

    test('anthropic SDK: an OpenAI model, streamed and translated', async () => {
        const stream = anthropic.messages.stream(anthropic_request('gpt-4o'));
        let text = '';
        stream.on('text', (delta) => {
            text += delta;
        });
        const message = await stream.finalMessage();
        assert.equal(text, mock_text(default_tokens));
        assert.equal(message.stop_reason, 'end_turn');
        assert.equal(message.usage.output_tokens, default_tokens);
    });

    test('anthropic SDK: a provider error arrives as the SDK error class', async () => {
        await assert.rejects(
            anthropic.messages.create(anthropic_request('gpt-4o~context_length')),
            (error) => error instanceof Anthropic.BadRequestError && error.status === 400);
    });

    test('google genai SDK: a gemini model, not streamed and streamed', async () => {
        const answer = await gemini.models.generateContent({
            model: 'gemini-2.5-flash',
            contents: prompt,
        });
        assert.equal(answer.text, mock_text(default_tokens));
        assert.equal(answer.usageMetadata.candidatesTokenCount, default_tokens);
        let text = '';
        for await (const chunk of await gemini.models.generateContentStream({
            model: 'gemini-2.5-flash',
            contents: prompt,
        })) {
            text += chunk.text ?? '';
        }
        assert.equal(text, mock_text(default_tokens));
        const log = JSON.stringify(await stack.mock.attempts());
        assert.ok(log.includes(`"key":"${gemini_provider_key}"`), log);
        assert.ok(!log.includes(client_api_key));
    });

    test('google genai SDK: a claude model, translated', async () => {
        const answer = await gemini.models.generateContent({
            model: 'claude-sonnet-4-5',
            contents: prompt,
            config: { systemInstruction: 'be brief' },
        });
        assert.equal(answer.text, mock_text(default_tokens));
        assert.equal(answer.candidates[0].finishReason, 'STOP');
        assert.equal(answer.usageMetadata.candidatesTokenCount, default_tokens);
    });

    test('google genai SDK: a claude model, streamed and translated', async () => {
        let text = '';
        let last;
        for await (const chunk of await gemini.models.generateContentStream({
            model: 'claude-sonnet-4-5',
            contents: prompt,
        })) {
            text += chunk.text ?? '';
            last = chunk;
        }
        assert.equal(text, mock_text(default_tokens));
        assert.equal(last.candidates[0].finishReason, 'STOP');
    });

    test('openai SDK: claude and gemini models streamed and translated, with usage', async () => {
        const client = stack.client();
        for (const model of ['claude-sonnet-4-5', 'gemini-2.5-flash']) {
            const stream = await client.chat.completions.create({
                model,
                stream: true,
                stream_options: { include_usage: true },
                messages: [{ role: 'user', content: prompt }],
            });
            let text = '';
            let finish;
            let usage;
            for await (const chunk of stream) {
                text += chunk.choices[0]?.delta?.content ?? '';
                finish = chunk.choices[0]?.finish_reason ?? finish;
                usage = chunk.usage ?? usage;
            }
            assert.equal(text, mock_text(default_tokens), model);
            assert.equal(finish, 'stop', model);
            assert.equal(usage.completion_tokens, default_tokens, model);
            assert.equal(usage.prompt_tokens, word_count(prompt), model);
        }
    });

    const weather_tool = {
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: {
            type: 'object',
            properties: { city: { type: 'string' }, days: { type: 'integer' } },
            required: ['city', 'days'],
        },
    };

    test('openai SDK: tool calls from claude and gemini models, translated, plain and streamed',
        async () => {
            const client = stack.client();
            for (const model of ['claude-sonnet-4-5', 'gemini-2.5-flash']) {
                const request = {
                    model,
                    messages: [{ role: 'user', content: prompt }],
                    tools: [{ type: 'function', function: weather_tool }],
                };
                const completion = await client.chat.completions.create(request);
                const call = completion.choices[0].message.tool_calls[0];
                assert.equal(completion.choices[0].finish_reason, 'tool_calls', model);
                assert.equal(call.function.name, 'get_weather', model);
                assert.deepEqual(JSON.parse(call.function.arguments), { city: 'mock', days: 0 });
                assert.ok(call.id.length > 0);

                const stream = await client.chat.completions.create({ ...request, stream: true });
                let args = '';
                let name;
                let finish;
                for await (const chunk of stream) {
                    const delta = chunk.choices[0]?.delta;
                    const tool = delta?.tool_calls?.[0];
                    name = tool?.function?.name ?? name;
                    args += tool?.function?.arguments ?? '';
                    finish = chunk.choices[0]?.finish_reason ?? finish;
                }
                assert.equal(name, 'get_weather', model);
                assert.deepEqual(JSON.parse(args), { city: 'mock', days: 0 }, model);
                assert.equal(finish, 'tool_calls', model);
            }
        });

    test('anthropic SDK: a tool call from an OpenAI model, translated, plain and streamed',
        async () => {
            const request = anthropic_request('gpt-4o', {
                tools: [{
                    name: weather_tool.name,
                    description: weather_tool.description,
                    input_schema: weather_tool.parameters,
                }],
            });
            const message = await anthropic.messages.create(request);
            assert.equal(message.stop_reason, 'tool_use');
            const use = message.content.find((b) => b.type === 'tool_use');
            assert.equal(use.name, 'get_weather');
            assert.deepEqual(use.input, { city: 'mock', days: 0 });
            const streamed = await anthropic.messages.stream(request).finalMessage();
            const streamed_use = streamed.content.find((b) => b.type === 'tool_use');
            assert.equal(streamed.stop_reason, 'tool_use');
            assert.deepEqual(streamed_use.input, { city: 'mock', days: 0 });
        });

    test('google genai SDK: a function call from a claude model, translated', async () => {
        const answer = await gemini.models.generateContent({
            model: 'claude-sonnet-4-5',
            contents: prompt,
            config: { tools: [{ functionDeclarations: [weather_tool] }] },
        });
        const call = answer.functionCalls[0];
        assert.equal(call.name, 'get_weather');
        assert.deepEqual(call.args, { city: 'mock', days: 0 });
    });

    test('openai SDK: a claude model and a gemini model, translated', async () => {
        const client = stack.client();
        for (const model of ['claude-sonnet-4-5', 'gemini-2.5-flash']) {
            const completion = await client.chat.completions.create({
                model,
                messages: [{ role: 'user', content: prompt }],
            });
            assert.equal(completion.object, 'chat.completion');
            assert.equal(completion.model, model);
            assert.equal(completion.choices[0].message.content, mock_text(default_tokens));
            assert.equal(completion.choices[0].finish_reason, 'stop');
            assert.equal(completion.usage.completion_tokens, default_tokens);
        }
    });
});
