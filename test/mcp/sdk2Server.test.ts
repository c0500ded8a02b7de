import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import type { LockSnapshot } from '../../extension/contract/lockEvents';
import { CHANNEL_ENV, type CallEndedEvent, type InspectorEvent } from '../../extension/contract/wireFormat';
import { connectSdk2Stdio, sdk2FixtureBundle, startSdk2Http, type ProtocolEra } from '../support/sdk2Fixture';
import { startTestHub, type TestHub } from '../support/testHub';

const ACCOUNTS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];

const textOf = (result: { content?: unknown }): string => ((result.content as Array<{ text?: string }> | undefined)?.[0]?.text ?? '');

async function total(client: Client): Promise<number> {
  return Number(textOf(await client.callTool({ name: 'total', arguments: {} })));
}

async function snapshot(client: Client): Promise<LockSnapshot> {
  const read = await client.readResource({ uri: 'locks://snapshot' });
  return JSON.parse((read.contents[0] as { text: string }).text) as LockSnapshot;
}

async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Connection {
  readonly name: string;
  readonly era: ProtocolEra;
  /**
   * Whether the client's cancellation can reach the call. Not on the 2025 stateless HTTP path: the 2.x client keeps
   * the response stream open and posts `notifications/cancelled`, which the SDK hands to a fresh server that never
   * saw the call; the wait then ends at the lock timeout.
   */
  readonly cancellable: boolean;
  open(env: Record<string, string>): Promise<{ client: Client; close(): Promise<void> }>;
}

const connections: Connection[] = [
  ...(['modern', 'legacy'] as const).map((era) => ({
    name: `stdio (serveStdio), ${era === 'modern' ? '2026-07-28' : '2025 handshake'}`,
    era,
    cancellable: true,
    async open(env: Record<string, string>) {
      const client = await connectSdk2Stdio(era, env);
      return { client, close: () => client.close() };
    },
  })),
  ...(['modern', 'legacy'] as const).map((era) => ({
    name: `Streamable HTTP (createMcpHandler, a server per request), ${era === 'modern' ? '2026-07-28' : '2025 stateless'}`,
    era,
    cancellable: era === 'modern',
    async open(env: Record<string, string>) {
      const fixture = await startSdk2Http(env);
      const client = await fixture.connect(era);
      return {
        client,
        close: async () => {
          await client.close();
          await fixture.stop();
        },
      };
    },
  })),
];

describe('SDK 2.x fixture server through the official 2.x client, over real stdio and Streamable HTTP', () => {
  let hub: TestHub;
  before(async () => {
    await sdk2FixtureBundle();
    hub = await startTestHub();
  });
  after(() => hub.dispose());

  for (const connection of connections) {
    describe(connection.name, () => {
      it('300 parallel transfers conserve money, and every lock and call event is owned by its tool call', async () => {
        const seenBefore = hub.events().length;
        const { client, close } = await connection.open({ [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'e2e', [CHANNEL_ENV.label]: connection.name });
        try {
          // The reporter connects in the background and keeps nothing from before: count from a call the hub has seen.
          await until(async () => {
            await total(client);
            return hub.events().slice(seenBefore).some((event) => event.type === 'callEnded' && event.owner.tool === 'total');
          }, 'the reporter to connect');
          const results = await Promise.all(
            Array.from({ length: 300 }, (_, index) =>
              client.callTool({ name: 'transfer', arguments: { from: ACCOUNTS[index % 6]!, to: ACCOUNTS[(index * 5 + 1) % 6]!, amount: 1 + (index % 13) } }),
            ),
          );
          assert.equal(results.filter((result) => result.isError === true).length, 0, textOf(results.find((result) => result.isError === true) ?? {}));
          assert.equal(await total(client), 6000);
          const ours = (): InspectorEvent[] => hub.events().slice(seenBefore);
          const transfersEnded = () => ours().filter((event): event is CallEndedEvent => event.type === 'callEnded' && event.owner.tool === 'transfer');
          await hub.waitFor(() => transfersEnded().length === 300, '300 callEnded events');
          assert.ok(transfersEnded().every((event) => event.outcome === 'ok'));
          const acquired = ours().filter((event) => event.type === 'acquired');
          assert.equal(acquired.length, 600, 'two accounts per transfer');
          assert.ok(acquired.every((event) => event.owner?.tool === 'transfer'), 'every lock is owned by the transfer call');
          const requestIds = new Set(acquired.map((event) => event.owner?.requestId));
          assert.equal(requestIds.size, 300, 'one owner per call');
          assert.deepEqual(new Set(transfersEnded().map((event) => event.owner.requestId)), requestIds);
        } finally {
          await close();
        }
      });

      it('a cancelled call leaves no waiter behind and changes nothing', { skip: connection.cancellable ? false : 'the SDK cannot deliver cancellation on this path' }, async () => {
        const { client, close } = await connection.open({});
        try {
          const stopAudit = new AbortController();
          // The audit outlasts the wait below, which is shorter than the lock timeout (10 s): only cancellation can free the waiter in time.
          const audit = client.callTool({ name: 'audit', arguments: { account: 'a0', holdMs: 4000 } }, { signal: stopAudit.signal }).catch(() => undefined);
          await until(async () => (await snapshot(client)).resources.some((resource) => resource.id === 'account:a0' && resource.holders.length === 1), 'the audit to hold a0');
          const cancel = new AbortController();
          const cancelled = client.callTool({ name: 'transfer', arguments: { from: 'a0', to: 'a1', amount: 100 } }, { signal: cancel.signal });
          await until(async () => (await snapshot(client)).resources.some((resource) => resource.waiters.some((waiter) => waiter.owner?.tool === 'transfer')), 'the transfer to queue');
          cancel.abort('user pressed stop');
          await assert.rejects(cancelled);
          await until(async () => (await snapshot(client)).resources.every((resource) => resource.waiters.length === 0), 'the waiter to leave', 2000);
          stopAudit.abort('done');
          await audit;
          await until(async () => (await snapshot(client)).resources.length === 0, 'the audit to end');
          assert.equal(textOf(await client.callTool({ name: 'get_balance', arguments: { account: 'a0' } })), '1000');
        } finally {
          await close();
        }
      });
    });
  }
});
