// Responses API streams through translation, with the official openai SDK: responses.create
// with stream: true (and the responses.stream helper, whose accumulator checks item ids,
// output indexes and the final response) against claude and gemini models; and
// chat.completions.create with stream: true against a model served by an `api: responses`
// provider. The SDK must accept every event; text, calls and usage are exact
// (tools/mock/README.md).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
    Gateway,
    Mock,
    OpenAI,
    Stack,
    client_api_key,
    default_tokens,
    gateway_config,
    mock_text,
    word_count,
} from './harness.mjs';

const prompt = 'hello there from the sdk';
const responses_provider_key = 'sk-provider-responses';

// The harness config plus a provider that serves only the Responses API, and the models
// it serves (resp-*).
function config(mock_port) {
    const provider = `  - name: mock-responses
    type: openai
    api: responses
    base_url: http://127.0.0.1:${mock_port}/v1
    keys: [{id: r1, key: ${responses_provider_key}}]
models:
`;
    return gateway_config(mock_port).replace('models:\n', provider) +
        '  - name: "resp-*"\n    targets: [{provider: mock-responses}]\n';
}

const weather_tool = {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, days: { type: 'integer' } },
        required: ['city', 'days'],
    },
};
const weather_args = { city: 'mock', days: 0 };

describe('Responses API streams through translation', { timeout: 60_000 }, () => {
    let stack;
    let client;
    before(async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringgate-sdk-'));
        const mock = await Mock.start(dir, ['--tokens', String(default_tokens)]);
        let gateway;
        try {
            gateway = await Gateway.start(dir, config(mock.port));
        } catch (error) {
            await mock.stop().catch(() => {});
            throw error;
        }
        stack = new Stack(dir, mock, gateway);
        client = stack.client();
    });
    after(async () => {
        await stack?.stop();
    });

    // Every event of a streamed response, in order; sequence numbers must rise by one.
    async function response_events(params) {
        const stream = await client.responses.create({ ...params, stream: true });
        const events = [];
        for await (const event of stream) {
            assert.equal(event.sequence_number, events.length, event.type);
            events.push(event);
        }
        return events;
    }

    for (const model of ['claude-sonnet-4-5', 'gemini-2.5-flash']) {
        test(`responses.create stream: text from ${model}`, async () => {
            const events = await response_events({ model, input: prompt });
            const types = events.map((e) => e.type);
            assert.equal(types[0], 'response.created');
            assert.equal(types[1], 'response.in_progress');
            assert.equal(types.at(-1), 'response.completed');
            const deltas = events.filter((e) => e.type === 'response.output_text.delta');
            assert.equal(deltas.length, default_tokens);
            assert.equal(deltas.map((e) => e.delta).join(''), mock_text(default_tokens));
            const done = events.find((e) => e.type === 'response.output_text.done');
            assert.equal(done.text, mock_text(default_tokens));
            const completed = events.at(-1).response;
            assert.equal(completed.status, 'completed');
            assert.equal(completed.model, model);
            assert.equal(completed.output.length, 1);
            assert.equal(completed.output[0].content[0].text, mock_text(default_tokens));
            assert.equal(completed.usage.input_tokens, word_count(prompt));
            assert.equal(completed.usage.output_tokens, default_tokens);
            assert.equal(completed.usage.total_tokens, word_count(prompt) + default_tokens);
        });

        test(`responses.stream helper: text and a function call from ${model}`, async () => {
            const text = await client.responses.stream({ model, input: prompt }).finalResponse();
            assert.equal(text.output_text, mock_text(default_tokens));
            const call = await client.responses
                .stream({ model, input: prompt, tools: [{ type: 'function', ...weather_tool }] })
                .finalResponse();
            assert.equal(call.status, 'completed');
            const item = call.output.find((o) => o.type === 'function_call');
            assert.equal(item.name, 'get_weather');
            assert.ok(item.call_id.length > 0);
            assert.deepEqual(JSON.parse(item.arguments), weather_args);
        });

        test(`responses.create stream: a function call from ${model}`, async () => {
            const events = await response_events({
                model, input: prompt, tools: [{ type: 'function', ...weather_tool }],
            });
            const added = events.find((e) => e.type === 'response.output_item.added' &&
                e.item.type === 'function_call');
            assert.ok(added, JSON.stringify(events.map((e) => e.type)));
            assert.equal(added.item.name, 'get_weather');
            const args = events.filter((e) => e.type === 'response.function_call_arguments.delta')
                .map((e) => e.delta).join('');
            assert.deepEqual(JSON.parse(args), weather_args);
            const done = events.find((e) => e.type === 'response.function_call_arguments.done');
            assert.equal(done.arguments, args);
            const completed = events.at(-1);
            assert.equal(completed.type, 'response.completed');
            const item = completed.response.output.find((o) => o.type === 'function_call');
            assert.equal(item.call_id, added.item.call_id);
            assert.equal(item.arguments, args);
        });
    }

    test('chat.completions stream from an api: responses provider: text and usage',
        async () => {
            const stream = await client.chat.completions.create({
                model: 'resp-4o',
                messages: [{ role: 'user', content: prompt }],
                stream: true,
                stream_options: { include_usage: true },
            });
            let text = '';
            let finish = null;
            let usage = null;
            for await (const chunk of stream) {
                text += chunk.choices[0]?.delta?.content ?? '';
                finish = chunk.choices[0]?.finish_reason ?? finish;
                usage = chunk.usage ?? usage;
            }
            assert.equal(text, mock_text(default_tokens));
            assert.equal(finish, 'stop');
            assert.equal(usage.prompt_tokens, word_count(prompt));
            assert.equal(usage.completion_tokens, default_tokens);
            const log = JSON.stringify(await stack.mock.attempts());
            assert.ok(log.includes('"path":"/v1/responses"'), log);
            assert.ok(log.includes(`"key":"${responses_provider_key}"`), log);
            assert.ok(!log.includes(client_api_key), 'the client key never reaches the provider');
        });

    test('chat.completions stream from an api: responses provider: a function call',
        async () => {
            const runner = client.chat.completions.stream({
                model: 'resp-4o',
                messages: [{ role: 'user', content: prompt }],
                tools: [{ type: 'function', function: weather_tool }],
            });
            const completion = await runner.finalChatCompletion();
            assert.equal(completion.choices[0].finish_reason, 'tool_calls');
            const call = completion.choices[0].message.tool_calls[0];
            assert.equal(call.function.name, 'get_weather');
            assert.deepEqual(JSON.parse(call.function.arguments), weather_args);
        });

    test('a Responses stream cut by the upstream makes the SDK throw', async () => {
        const stream = await client.responses.create({
            model: 'claude-sonnet-4-5~cut~after=2', input: prompt, stream: true,
        });
        const types = [];
        await assert.rejects(async () => {
            for await (const event of stream) {
                types.push(event.type);
            }
        }, (e) => e instanceof OpenAI.APIError && /upstream/.test(e.message));
        assert.ok(types.includes('response.output_text.delta'), JSON.stringify(types));
        assert.ok(!types.includes('response.completed'));
    });
});
