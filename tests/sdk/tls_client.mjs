// Child process of tls.test.mjs: the openai SDK against ringgate over HTTPS. It is a separate
// process because node reads NODE_EXTRA_CA_CERTS (the test CA) only at start-up; the SDK's
// fetch then verifies ringgate's certificate against it like any public one. Prints one JSON
// line: what the SDK returned, or the error it threw.
//
//   node tls_client.mjs BASE_URL API_KEY
import { OpenAI } from './harness.mjs';

const [base_url, api_key] = process.argv.slice(2);
const client = new OpenAI({ apiKey: api_key, baseURL: base_url, maxRetries: 0, timeout: 15_000 });
const messages = [{ role: 'user', content: 'hello over https' }];

try {
    const chat = await client.chat.completions.create({ model: 'gpt-4o', messages });
    const stream = await client.chat.completions.create({
        model: 'gpt-4o~tokens=7', messages, stream: true,
        stream_options: { include_usage: true },
    });
    let streamed = '';
    let chunks = 0;
    let finish_reason = null;
    let usage = null;
    for await (const chunk of stream) {
        chunks += 1;
        for (const choice of chunk.choices) {
            streamed += choice.delta.content ?? '';
            finish_reason = choice.finish_reason ?? finish_reason;
        }
        usage = chunk.usage ?? usage;
    }
    const models = [];
    for await (const model of client.models.list()) {
        models.push(model.id);
    }
    console.log(JSON.stringify({
        ok: true,
        chat: { text: chat.choices[0].message.content, usage: chat.usage },
        stream: { text: streamed, chunks, finish_reason, usage },
        models,
    }));
} catch (error) {
    console.log(JSON.stringify({
        ok: false,
        name: error.constructor.name,
        message: error.message,
        cause: String(error.cause?.cause?.code ?? error.cause?.code ?? error.cause ?? ''),
    }));
}
