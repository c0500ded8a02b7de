// The bundled server as a replicated service, all real: redis-server, three stateless replicas, haproxy round robin,
// and the official SDK client over Streamable HTTP through the load balancer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createClient } from 'redis';
import { DEFAULT_KEY_PREFIX, readRedisLockState } from '../../extension/redis';
import { startReplicatedService, type RunningReplicatedService } from '../../tools/replicatedService.mjs';
import { serverBundle } from '../mcp/serverProcess';
import { startTestHub, type TestHub } from '../support/testHub';

const ACCOUNTS = Array.from({ length: 10 }, (_, index) => `acct${index}`);
const OPENING_BALANCE = 1000;

/** Connects the SDK client to the load balancer. */
async function connectClient(url: string): Promise<Client> {
  const client = new Client({ name: 'replica-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const call = (client: Client, name: string, args: Record<string, unknown>) =>
  client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 }) as Promise<CallToolResult>;

async function openAccounts(client: Client): Promise<void> {
  for (const account of ACCOUNTS) assert.equal((await call(client, 'deposit', { account, amount: OPENING_BALANCE })).isError, undefined);
}

async function totalOfAccounts(client: Client): Promise<number> {
  const audit = await call(client, 'audit', {});
  return (audit.structuredContent as { total: number }).total;
}

function randomTransfer(index: number): Record<string, unknown> {
  const from = ACCOUNTS[index % ACCOUNTS.length]!;
  const to = ACCOUNTS[(index * 7 + 3) % ACCOUNTS.length]!;
  return { from, to: to === from ? ACCOUNTS[(index + 1) % ACCOUNTS.length] : to, amount: 1 + (index % 5) };
}

describe('replicated demo server behind haproxy', () => {
  let service: RunningReplicatedService;
  let client: Client;

  describe('1,000 parallel transfers through three replicas', () => {
    let hub: TestHub;
    before(async () => {
      hub = await startTestHub();
      const env = { ...process.env, MCP_LOCK_INSPECTOR_ADDRESS: hub.address, MCP_LOCK_INSPECTOR_TOKEN: 'replica-test' };
      service = await startReplicatedService({ serverScript: await serverBundle(), replicas: 3, serverArgs: ['--timeout-ms', '60000'], env });
      client = await connectClient(service.url);
      await openAccounts(client);
    });
    after(async () => {
      await client?.close();
      await service?.stop();
      await hub?.dispose();
    });

    it('conserves money, every call succeeds, and every lock party is a transfer owned on one of the replicas', async () => {
      const redis = createClient({ url: service.redis.url });
      await redis.connect();
      const ownersSeen = new Set<string>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          for (const resource of (await readRedisLockState(redis, DEFAULT_KEY_PREFIX)).resources) {
            for (const party of [...resource.holders, ...resource.waiters]) ownersSeen.add(`${party.owner?.tool}@${party.owner?.replica}`);
          }
        }
      })();
      const results = await Promise.all(Array.from({ length: 1000 }, (_, index) => call(client, 'transfer', randomTransfer(index))));
      sampling = false;
      await sampler;
      redis.destroy();
      const failures = results.filter((result) => result.isError);
      assert.deepEqual(failures.map((result) => (result.content as { text: string }[])[0]?.text), []);
      assert.equal(await totalOfAccounts(client), ACCOUNTS.length * OPENING_BALANCE);
      assert.deepEqual([...ownersSeen].sort(), ['transfer@r1', 'transfer@r2', 'transfer@r3'], 'parties seen in Redis while the transfers ran');
    });

    it('reported the transfers to the inspector as one source per replica, named after it, with their lock events', async () => {
      const labels = hub.messages.flatMap((message) => (message.type === 'hello' ? [message.label] : []));
      assert.deepEqual([...new Set(labels)].sort(), ["replica 'r1'", "replica 'r2'", "replica 'r3'"]);
      await hub.waitFor(() => hub.events().filter((event) => event.type === 'acquired').length >= 2000, 'an acquired event per transfer lock');
    });
  });

  describe('an opposite-order pair on two replicas', () => {
    before(async () => {
      // Storage latency keeps each call holding its first lock while the other takes its own.
      service = await startReplicatedService({ serverScript: await serverBundle(), replicas: 2, serverArgs: ['--timeout-ms', '30000', '--latency-ms', '300'] });
      client = await connectClient(service.url);
      for (const account of ['alice', 'fees']) await call(client, 'deposit', { account, amount: 100 });
    });
    after(async () => {
      await client?.close();
      await service?.stop();
    });

    it('is refused as a deadlock at once, naming both replicas, not ended by the 30 s timeout', async () => {
      const [onR1, onR2] = await Promise.all(service.replicas.map((replica) => connectClient(replica.url)));
      const startMs = performance.now();
      const results = await Promise.all([call(onR1!, 'charge_fee', { account: 'alice', amount: 1 }), call(onR2!, 'refund_fee', { account: 'alice', amount: 1 })]);
      const elapsedMs = performance.now() - startMs;
      await Promise.all([onR1!.close(), onR2!.close()]);
      const texts = results.filter((result) => result.isError).map((result) => (result.content as { text: string }[])[0]!.text);
      assert.equal(texts.length, 1, 'one of the pair fails');
      assert.match(texts[0]!, /^Deadlock: .* waits for 'account:\w+' held by .*refused at once/);
      assert.match(texts[0]!, /replica 'r1'/);
      assert.match(texts[0]!, /replica 'r2'/);
      assert.ok(elapsedMs < 10_000, `settled after ${Math.round(elapsedMs)} ms`);
      assert.equal(await totalOfAccounts(client), 200);
    });
  });

  describe('Redis restarted in the middle of a run', () => {
    before(async () => {
      service = await startReplicatedService({ serverScript: await serverBundle(), replicas: 3, serverArgs: ['--timeout-ms', '20000'], persistentRedis: true });
      client = await connectClient(service.url);
      await openAccounts(client);
    });
    after(async () => {
      await client?.close();
      await service?.stop();
    });

    it('ends every call with success or an error, runs none without its lock, and conserves money', async () => {
      let settled = 0;
      let restarted!: Promise<void>;
      const restartAfter = 100;
      const calls = Array.from({ length: 400 }, (_, index) =>
        call(client, 'transfer', randomTransfer(index)).then(
          (result) => {
            if (++settled === restartAfter) restarted = service.redis.restart();
            return result;
          },
          (error: Error) => ({ isError: true, content: [{ type: 'text', text: error.message }] }) as CallToolResult,
        ),
      );
      const results = await Promise.all(calls);
      await restarted;
      const failed = results.filter((result) => result.isError).length;
      assert.ok(results.length - failed >= restartAfter, `${results.length - failed} of ${results.length} succeeded`);
      // Fenced writes: a call that lost its lock (its lease lapsed while Redis was away) could not write.
      assert.equal(await totalOfAccounts(client), ACCOUNTS.length * OPENING_BALANCE);
      const after = await Promise.all(ACCOUNTS.slice(0, 3).map((account, index) => call(client, 'transfer', { from: account, to: ACCOUNTS[index + 5], amount: 1 })));
      assert.deepEqual(after.map((result) => result.isError), [undefined, undefined, undefined], 'the service works again after the restart');
    });
  });
});
