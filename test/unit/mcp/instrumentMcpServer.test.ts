import FakeTimers from '@sinonjs/fake-timers';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  SubscribeRequestSchema,
  type LoggingMessageNotification,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { toolErrorCode } from '../../../extension/host/client/parallelToolCalls';
import { ResourceLockMap } from '../../../extension/locks';
import type { CallEndedEvent, CallStartedEvent } from '../../../extension/contract/wireFormat';
import { accountLock } from '../../../extension/demoServer/createLockDemoServer';
import { InspectorReporter } from '../../../extension/mcp/inspectorReporter';
import { instrumentMcpServer, LOCK_SNAPSHOT_URI } from '../../../extension/mcp/instrumentMcpServer';
import { startDemoHarness, waitUntil, type DemoHarness } from '../demoServer/demoHarness';
import { startTestHub, type TestHub } from '../../support/testHub';

describe('instrumentMcpServer', () => {
  let harness: DemoHarness | undefined;
  let hub: TestHub | undefined;
  let clock: ReturnType<typeof FakeTimers.install> | undefined;
  afterEach(async () => {
    clock?.uninstall();
    clock = undefined;
    await harness?.close();
    harness = undefined;
    await hub?.dispose();
    hub = undefined;
  });

  it('tags every lock event of a tool call with the tool, request id and session', async () => {
    harness = await startDemoHarness();
    await harness.call('deposit', { account: 'alice', amount: 5 });
    const acquired = harness.lockEvents.find((event) => event.type === 'acquired');
    assert.equal(acquired?.owner?.tool, 'deposit');
    assert.equal(acquired?.owner?.sessionId, 'memory');
    assert.equal(typeof acquired?.owner?.requestId, 'number');
  });

  it('a cancelled call leaves the queue at once and changes nothing', async () => {
    harness = await startDemoHarness();
    await harness.call('deposit', { account: 'alice', amount: 5 });
    let release!: () => void;
    const held = harness.locks.withLock(accountLock('alice'), () => new Promise<void>((resolve) => (release = resolve)));
    const cancel = new AbortController();
    const cancelled = harness.call('deposit', { account: 'alice', amount: 100 }, { signal: cancel.signal });
    await waitUntil(() => harness!.locks.snapshot().resources[0]?.waiters.length === 1);
    cancel.abort('user pressed stop');
    await assert.rejects(cancelled, /user pressed stop|abort/i);
    await waitUntil(() => harness!.lockEvents.some((event) => event.type === 'aborted'));
    const aborted = harness.lockEvents.find((event) => event.type === 'aborted');
    assert.equal(aborted?.owner?.tool, 'deposit');
    assert.deepEqual(harness.locks.snapshot().resources[0]?.waiters, []);
    release();
    await held;
    assert.equal(harness.locks.size, 0);
    assert.deepEqual((await harness.call('get_balance', { account: 'alice' })).structuredContent, { account: 'alice', balance: 5 });
  });

  it('a lock timeout is a tool error naming the resource and its holder, advising a retry, and the server keeps serving', async () => {
    harness = await startDemoHarness({ timeoutMs: 20 });
    await harness.call('deposit', { account: 'alice', amount: 5 });
    let release!: () => void;
    const held = harness.locks.withLock(accountLock('alice'), () => new Promise<void>((resolve) => (release = resolve)), { owner: { label: 'slow batch job' } });
    const result = await harness.call('withdraw', { account: 'alice', amount: 1 });
    assert.equal(result.isError, true);
    assert.match(harness.textOf(result), /Timed out after \d+ ms waiting for 'account:alice'.*held by slow batch job/);
    assert.match((result.content[1] as { text: string }).text, /^E_LOCK_TIMEOUT: .*temporary: retry the call/);
    assert.equal(toolErrorCode(result), 'E_LOCK_TIMEOUT');
    release();
    await held;
    assert.equal((await harness.call('withdraw', { account: 'alice', amount: 1 })).isError, undefined);
  });

  it('serves the lock snapshot as locks://snapshot and notifies subscribers, until they unsubscribe', async () => {
    harness = await startDemoHarness({ snapshotNotifyIntervalMs: 100 });
    const { resources } = await harness.client.listResources();
    assert.ok(resources.some((resource) => resource.uri === LOCK_SNAPSHOT_URI));
    let release!: () => void;
    const held = harness.locks.withLock('report', () => new Promise<void>((resolve) => (release = resolve)));
    const read = await harness.client.readResource({ uri: LOCK_SNAPSHOT_URI });
    const snapshot = JSON.parse((read.contents[0] as { text: string }).text) as { resources: Array<{ id: string }> };
    assert.deepEqual(snapshot.resources.map((resource) => resource.id), ['report']);
    release();
    await held;

    const updates: string[] = [];
    harness.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updates.push(notification.params.uri);
    });
    await harness.client.subscribeResource({ uri: LOCK_SNAPSHOT_URI });
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
    await harness.locks.withLock('a', () => undefined);
    await harness.locks.withLock('b', () => undefined);
    await clock.tickAsync(100);
    await harness.client.ping();
    assert.deepEqual(updates, [LOCK_SNAPSHOT_URI], 'one notification per interval, however many events');

    await harness.client.unsubscribeResource({ uri: LOCK_SNAPSHOT_URI });
    await harness.locks.withLock('c', () => undefined);
    await clock.tickAsync(100);
    await harness.client.ping();
    assert.equal(updates.length, 1);
  });

  it('sends lock warnings as MCP logging messages and honours logging/setLevel', async () => {
    harness = await startDemoHarness({ timeoutMs: 20 });
    const messages: LoggingMessageNotification['params'][] = [];
    harness.client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      messages.push(notification.params);
    });
    await harness.call('deposit', { account: 'alice', amount: 5 });
    let release!: () => void;
    const held = harness.locks.withLock(accountLock('alice'), () => new Promise<void>((resolve) => (release = resolve)), { owner: { label: 'holder' } });
    await harness.call('withdraw', { account: 'alice', amount: 1 });
    await harness.client.ping();
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.level, 'warning');
    assert.match((messages[0]?.data as { message: string }).message, /withdraw #\d+ timed out.*'account:alice', held by holder/);

    await harness.client.setLoggingLevel('error');
    await harness.call('withdraw', { account: 'alice', amount: 1 });
    await harness.client.ping();
    assert.equal(messages.length, 1, 'a warning is below the level the client asked for');
    release();
    await held;
  });

  it('reports a deadlock as an error-level logging message', async () => {
    harness = await startDemoHarness();
    const messages: LoggingMessageNotification['params'][] = [];
    harness.client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      messages.push(notification.params);
    });
    await harness.client.setLoggingLevel('error');
    let bothHold!: () => void;
    const bothHolding = new Promise<void>((resolve) => (bothHold = resolve));
    let holding = 0;
    const nested = (first: string, second: string) =>
      harness!.locks.withLock(first, async () => {
        if (++holding === 2) bothHold();
        await bothHolding;
        await harness!.locks.withLock(second, () => undefined);
      });
    const outcomes = await Promise.allSettled([nested('x', 'y'), nested('y', 'x')]);
    assert.equal(outcomes.filter((outcome) => outcome.status === 'rejected').length, 1);
    await harness.client.ping();
    const levels = messages.map((message) => message.level);
    assert.ok(levels.includes('error'), `got ${levels.join(', ')}`);
    assert.match((messages.find((message) => message.level === 'error')?.data as { message: string }).message, /Deadlock/);
  });

  it('sends call start and end to the inspector, with the lock error code of a failed call', async () => {
    hub = await startTestHub();
    const address = hub.address;
    harness = await startDemoHarness({ timeoutMs: 20, reporter: (locks) => new InspectorReporter(locks, { address, token: 'secret', label: 'unit', flushDelayMs: 1 }) });
    await hub.waitFor(() => hub!.messages.some((message) => message.type === 'snapshot'), 'the snapshot');
    await harness.call('deposit', { account: 'alice', amount: 5 });
    let release!: () => void;
    const held = harness.locks.withLock(accountLock('alice'), () => new Promise<void>((resolve) => (release = resolve)));
    await harness.call('withdraw', { account: 'alice', amount: 1 });
    release();
    await held;
    const ended = (): CallEndedEvent[] => hub!.events().filter((event): event is CallEndedEvent => event.type === 'callEnded');
    await hub.waitFor(() => ended().length === 2, 'two callEnded events');
    const started = hub.events().filter((event): event is CallStartedEvent => event.type === 'callStarted');
    assert.deepEqual(started.map((event) => event.owner.tool), ['deposit', 'withdraw']);
    assert.deepEqual(
      ended().map(({ owner, outcome, errorCode }) => ({ tool: owner.tool, outcome, errorCode })),
      [
        { tool: 'deposit', outcome: 'ok', errorCode: undefined },
        { tool: 'withdraw', outcome: 'error', errorCode: 'E_LOCK_TIMEOUT' },
      ],
    );
    assert.ok(ended().every((event) => event.durationMs >= 0));
  });

  it("instruments a user's own server: tools registered before and after, its own subscribe handler and logging kept", async () => {
    const locks = new ResourceLockMap();
    const owners: Array<string | undefined> = [];
    locks.subscribe((event) => {
      if (event.type === 'acquired') owners.push(event.owner?.tool);
    });
    const server = new McpServer({ name: 'user-server', version: '1.0.0' }, { capabilities: { logging: {}, resources: { subscribe: true } } });
    const userSubscriptions: string[] = [];
    server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
      userSubscriptions.push(request.params.uri);
      return {};
    });
    server.registerTool('before', { inputSchema: { id: z.string() } }, async ({ id }) => locks.withLock(id, () => ({ content: [{ type: 'text' as const, text: 'ok' }] })));
    const instrumentation = instrumentMcpServer(server, locks, { reporter: null });
    server.tool('after', async () => locks.withLock('k', () => ({ content: [{ type: 'text' as const, text: 'ok' }] })));
    const client = new Client({ name: 'unit-test', version: '1.0.0' });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    try {
      await client.callTool({ name: 'before', arguments: { id: 'r' } });
      await client.callTool({ name: 'after', arguments: {} });
      assert.deepEqual(owners, ['before', 'after']);
      await client.subscribeResource({ uri: 'user://thing' });
      assert.deepEqual(userSubscriptions, ['user://thing']);
      assert.deepEqual(await client.setLoggingLevel('debug'), {});
      assert.throws(() => instrumentMcpServer(server, locks), /before server.connect/);
    } finally {
      instrumentation.dispose();
      await client.close();
    }
  });

  it('refuses to instrument the same server twice', () => {
    const locks = new ResourceLockMap();
    const server = new McpServer({ name: 'user-server', version: '1.0.0' });
    instrumentMcpServer(server, locks, { reporter: null }).dispose();
    assert.throws(() => instrumentMcpServer(server, locks, { reporter: null }), /already instrumented/);
  });

  it('flushes the reporter when the transport closes, so a closing session delivers its last call at once', async () => {
    hub = await startTestHub();
    const locks = new ResourceLockMap({ timeoutMs: 1000 });
    const reporter = new InspectorReporter(locks, { address: hub.address, token: 't', label: 'closing', flushDelayMs: 60_000 });
    await hub.waitFor(() => hub!.messages.length >= 2, 'hello and snapshot');
    const server = new McpServer({ name: 'closing', version: '1.0.0' });
    instrumentMcpServer(server, locks, { reporter });
    server.registerTool('bump', { inputSchema: { key: z.string() } }, async ({ key }) => locks.withLock(key, async () => ({ content: [{ type: 'text' as const, text: 'ok' }] })));
    const client = new Client({ name: 'closing-client', version: '1.0.0' });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    try {
      await client.callTool({ name: 'bump', arguments: { key: 'k' } });
      await client.close();
      await hub.waitFor(() => hub!.events().some((event) => event.type === 'callEnded'), 'callEnded', 1000);
    } finally {
      await reporter.close();
    }
  });
});
