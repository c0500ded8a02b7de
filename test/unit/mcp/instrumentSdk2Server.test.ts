import FakeTimers from '@sinonjs/fake-timers';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport, type LoggingMessageNotification } from '@modelcontextprotocol/client';
import { createMcpHandler, InMemoryTransport, type McpHttpHandler } from '@modelcontextprotocol/server';
import { ResourceLockMap } from '../../../extension/locks';
import type { LockEvent } from '../../../extension/contract/lockEvents';
import { accountLock, createBankServer, type Accounts } from '../../fixtures/sdk2Server/createBankServer';
import { LOCK_SNAPSHOT_URI } from '../../../extension/mcp/instrumentMcpServer';
import { publishLockSnapshotUpdates } from '../../../extension/mcp/publishLockSnapshotUpdates';
import { waitUntil } from '../demoServer/demoHarness';

const MODERN = { versionNegotiation: { mode: { pin: '2026-07-28' } } } as const;

/** A lock map whose live subscriptions can be counted: what a per-request server must not leave behind. */
function countingLocks(timeoutMs = 5000): { locks: ResourceLockMap; liveSubscriptions: () => number } {
  const locks = new ResourceLockMap({ timeoutMs });
  let live = 0;
  const subscribe = locks.subscribe.bind(locks);
  locks.subscribe = (listener) => {
    live++;
    const unsubscribe = subscribe(listener);
    let done = false;
    return () => {
      if (!done) live--;
      done = true;
      unsubscribe();
    };
  };
  return { locks, liveSubscriptions: () => live };
}

const accountsOf = (count: number): Accounts => new Map(Array.from({ length: count }, (_, index) => [`a${index}`, 1000]));

/** The official 2.x client on the 2026-07-28 revision, talking to `handler.fetch` in this process (the same code path as HTTP). */
async function modernClient(handler: McpHttpHandler): Promise<Client> {
  const client = new Client({ name: 'sdk2-unit', version: '2.0.0' }, MODERN);
  await client.connect(new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
  return client;
}

function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('instrumentMcpServer on @modelcontextprotocol/server 2.x', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('owns every lock of a tool call served by createMcpHandler (2026-07-28) by {tool, requestId}', async () => {
    const { locks } = countingLocks();
    const events: LockEvent[] = [];
    locks.subscribe((event) => events.push(event));
    const handler = createMcpHandler(() => createBankServer(locks, accountsOf(2), { reporter: null }));
    const client = await modernClient(handler);
    cleanups.push(() => client.close(), () => handler.close());
    await client.callTool({ name: 'transfer', arguments: { from: 'a0', to: 'a1', amount: 5 } });
    const acquired = events.filter((event) => event.type === 'acquired');
    assert.deepEqual(acquired.map((event) => event.resource).sort(), [accountLock('a0'), accountLock('a1')]);
    for (const event of acquired) {
      assert.equal(event.owner?.tool, 'transfer');
      assert.ok(typeof event.owner?.requestId === 'number' || typeof event.owner?.requestId === 'string', `requestId of ${JSON.stringify(event.owner)}`);
    }
  });

  it('a client that abandons a call (the response stream closes) ends its queued lock wait at once', async () => {
    const { locks } = countingLocks();
    const events: LockEvent[] = [];
    locks.subscribe((event) => events.push(event));
    const accounts = accountsOf(2);
    const handler = createMcpHandler(() => createBankServer(locks, accounts, { reporter: null }));
    const client = await modernClient(handler);
    cleanups.push(() => client.close(), () => handler.close());
    let release!: () => void;
    const held = locks.withLock(accountLock('a0'), () => new Promise<void>((resolve) => (release = resolve)), { owner: { label: 'test holder' } });
    const abandon = new AbortController();
    const abandoned = client.callTool({ name: 'transfer', arguments: { from: 'a0', to: 'a1', amount: 7 } }, { signal: abandon.signal });
    await waitUntil(() => locks.snapshot().resources.some((resource) => resource.waiters.length === 1));
    abandon.abort('user pressed stop');
    await assert.rejects(abandoned);
    await waitUntil(() => events.some((event) => event.type === 'aborted'));
    assert.equal(events.find((event) => event.type === 'aborted')?.owner?.tool, 'transfer');
    assert.deepEqual(
      locks.snapshot().resources.flatMap((resource) => resource.waiters),
      [],
    );
    release();
    await held;
    assert.deepEqual([accounts.get('a0'), accounts.get('a1')], [1000, 1000], 'the abandoned transfer changed nothing');
  });

  it('sends a lock timeout as a logging message to the client of the call, at the level it set (2025 era over a connection)', async () => {
    const locks = new ResourceLockMap({ timeoutMs: 20 });
    const server = createBankServer(locks, accountsOf(2), { reporter: null });
    const client = new Client({ name: 'sdk2-unit', version: '2.0.0' });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    cleanups.push(() => client.close());
    const messages: LoggingMessageNotification['params'][] = [];
    client.setNotificationHandler('notifications/message', (notification) => {
      messages.push(notification.params);
    });
    await client.setLoggingLevel('warning');
    let release!: () => void;
    const held = locks.withLock(accountLock('a0'), () => new Promise<void>((resolve) => (release = resolve)), { owner: { label: 'slow audit' } });
    const result = await client.callTool({ name: 'transfer', arguments: { from: 'a0', to: 'a1', amount: 1 } });
    assert.equal(result.isError, true);
    assert.match(JSON.stringify(result.content), /E_LOCK_TIMEOUT/);
    await client.ping();
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.logger, 'lock-inspector');
    assert.match((messages[0]?.data as { message: string }).message, /transfer #\S+ timed out.*'account:a0', held by slow audit/);

    await client.setLoggingLevel('error');
    await client.callTool({ name: 'transfer', arguments: { from: 'a0', to: 'a1', amount: 1 } });
    await client.ping();
    assert.equal(messages.length, 1, 'a warning is below the level the client asked for');
    release();
    await held;
  });

  it('a fresh server per request leaves nothing behind: 10,000 requests, no lock listener, timer or memory growth', async (t) => {
    const { locks, liveSubscriptions } = countingLocks();
    const accounts = accountsOf(8);
    const handler = createMcpHandler(() => createBankServer(locks, accounts, { reporter: null }));
    const client = await modernClient(handler);
    cleanups.push(() => client.close(), () => handler.close());
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const transfers = (count: number, offset: number) =>
      Promise.all(
        Array.from({ length: count }, (_, index) => {
          const from = (offset + index) % 8;
          return client.callTool({ name: 'transfer', arguments: { from: `a${from}`, to: `a${(from + 3) % 8}`, amount: 1 } });
        }),
      );
    await transfers(500, 0); // warm up: JIT, SDK caches
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const timersBefore = liveTimers();
    for (let batch = 0; batch < 95; batch++) await transfers(100, batch);
    gc();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    t.diagnostic(`9,500 measured requests: heap ${heapGrowthMb.toFixed(2)} MB, timers ${timersBefore} -> ${liveTimers()}, lock subscriptions ${liveSubscriptions()}`);
    assert.equal(liveSubscriptions(), 0, 'no server still listens to the lock map');
    assert.ok(liveTimers() <= timersBefore, `timers: ${timersBefore} before, ${liveTimers()} after`);
    // Subscriptions and timers are exact; the heap is noisy under load (up to 6 MB seen on Node 24 with nothing
    // retained), so its bound is 16 MB: under 2 KB a request, far below one leaked server (tools, schemas, transport).
    assert.ok(heapGrowthMb < 16, `heap grew ${heapGrowthMb.toFixed(2)} MB over 9,500 requests`);
    assert.equal(locks.size, 0);
    assert.equal([...accounts.values()].reduce((sum, value) => sum + value, 0), 8000);
  });
});

describe('publishLockSnapshotUpdates on a createMcpHandler (2026-07-28 subscriptions/listen)', () => {
  it('tells listeners of locks://snapshot once per interval, however many lock events, until stopped', async () => {
    const locks = new ResourceLockMap();
    const handler = createMcpHandler(() => createBankServer(locks, accountsOf(2), { reporter: null }));
    const stop = publishLockSnapshotUpdates(handler.notify, locks, 100);
    const client = await modernClient(handler);
    const updates: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (notification) => {
      updates.push(notification.params.uri);
    });
    const subscription = await client.listen({ resourceSubscriptions: [LOCK_SNAPSHOT_URI] });
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await locks.withLock('a', () => undefined);
      await locks.withLock('b', () => undefined);
      await clock.tickAsync(100);
      await waitUntil(() => updates.length > 0);
      assert.deepEqual(updates, [LOCK_SNAPSHOT_URI], 'one notification per interval');
      stop();
      await locks.withLock('c', () => undefined);
      await clock.tickAsync(100);
      // Had anything been published, it would be on the open stream by the time another request comes back.
      await client.callTool({ name: 'total', arguments: {} });
      assert.equal(updates.length, 1, 'none after stop');
    } finally {
      clock.uninstall();
      await subscription.close();
      await client.close();
      await handler.close();
    }
  });
});
