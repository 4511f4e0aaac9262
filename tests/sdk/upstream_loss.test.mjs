// The upstream going away while ringgate holds idle keep-alive connections to it (a
// provider restart, a load balancer's idle close): the gateway must drop those connections
// and keep serving, so the SDK gets a 502 in the OpenAI envelope, not a connection error.
// This file owns its stack because it stops the mock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { OpenAI, Stack, poll_until } from './harness.mjs';

const messages = [{ role: 'user', content: 'hello' }];
const idle_metric = 'ringgate_upstream_connections_idle';

describe('openai SDK when the upstream goes away', { timeout: 20_000 }, () => {
    let stack;
    before(async () => {
        stack = await Stack.start();
    });
    after(async () => {
        await stack?.kill();
    });

    // Until 6e284fe, Pool::fail() removed an idle connection from its idle list twice and
    // the idle-list assertion killed the whole process here.
    test('idle upstream connections closed by the peer: the SDK gets a 502', async () => {
        const client = stack.client();
        for (let i = 0; i < 4; i += 1) {
            await client.chat.completions.create({ model: 'gpt-4o', messages });
        }
        assert.ok(await stack.gateway.metric(idle_metric) >= 1, 'the pool holds a connection');

        await stack.mock.stop();  // closes every connection the gateway holds to it
        // Wait until the gateway has dropped its idle connections, or has died trying.
        await poll_until(async () => !stack.gateway.running() ||
            await stack.gateway.metric(idle_metric).then((n) => n === 0, () => false));
        assert.ok(stack.gateway.running(), `ringgate died:\n${stack.gateway.log()}`);

        const error = await client.chat.completions.create({ model: 'gpt-4o', messages })
            .then(() => null, (e) => e);
        assert.ok(error instanceof OpenAI.InternalServerError,
            `${error?.constructor.name}: ${error}`);
        assert.equal(error.status, 502);
        assert.ok(stack.gateway.running(), 'ringgate still serves');
        await stack.gateway.stop();  // and still stops cleanly (exit 0)
    });
});
