import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CHANNEL_ENV, MAX_LINE_BYTES, type EventsMessage, type HelloMessage, type SnapshotMessage } from '../../../extension/contract/wireFormat';
import type { LockEvent, LockSnapshot } from '../../../extension/contract/lockEvents';
import { InspectorReporter, type InspectorReporterOptions, type LockEventSource } from '../../../extension/mcp/inspectorReporter';
import { startTestHub, type TestHub } from '../../support/testHub';

/** A lock map stand-in whose events the test emits by hand. */
class ManualLockSource implements LockEventSource {
  subscriptions = 0;
  holding: string[] = [];
  private listener: ((event: LockEvent) => void) | undefined;
  private seq = 0;

  snapshot(): LockSnapshot {
    return { atMs: 1, resources: this.holding.map((id) => ({ id, holders: [], waiters: [] })) };
  }

  subscribe(listener: (event: LockEvent) => void): () => void {
    this.subscriptions++;
    this.listener = listener;
    return () => {
      this.listener = undefined;
    };
  }

  emit(count: number, label = 'job'): void {
    for (let index = 0; index < count; index++) {
      this.listener?.({ type: 'acquired', seq: ++this.seq, atMs: 1, chainId: 1, owner: { label }, resource: 'r', mode: 'write', waitedMs: 0 });
    }
  }
}

describe('InspectorReporter', () => {
  let hub: TestHub | undefined;
  let reporter: InspectorReporter | undefined;
  afterEach(async () => {
    await reporter?.close();
    reporter = undefined;
    await hub?.dispose();
    hub = undefined;
  });

  function startReporter(source: LockEventSource, options: Partial<InspectorReporterOptions> = {}): InspectorReporter {
    reporter = new InspectorReporter(source, { address: hub!.address, token: 'secret', label: 'unit server', flushDelayMs: 1, reconnectDelayMs: 5, ...options });
    return reporter;
  }

  const eventsMessages = (): EventsMessage[] => hub!.messages.filter((message): message is EventsMessage => message.type === 'events');

  it('costs nothing without a channel in the environment: no reporter, no subscription', () => {
    const source = new ManualLockSource();
    assert.equal(InspectorReporter.fromEnvironment(source, { env: {} }), undefined);
    assert.equal(source.subscriptions, 0);
  });

  it('says hello with token, pid, label and kind, then sends a snapshot, then batched events', async () => {
    hub = await startTestHub();
    const source = new ManualLockSource();
    source.holding = ['account:alice'];
    reporter = InspectorReporter.fromEnvironment(source, {
      env: { [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'secret', [CHANNEL_ENV.label]: 'bundled server', [CHANNEL_ENV.kind]: 'launched' },
      server: { name: 'demo', version: '1.0.0' },
    });
    await hub.waitFor(() => hub!.messages.length >= 2, 'hello and snapshot');
    const [hello, snapshot] = hub.messages as [HelloMessage, SnapshotMessage];
    assert.deepEqual(hello, { v: 1, type: 'hello', token: 'secret', pid: process.pid, label: 'bundled server', kind: 'launched', server: { name: 'demo', version: '1.0.0' } });
    assert.deepEqual(snapshot.snapshot.resources.map((resource) => resource.id), ['account:alice']);
    source.emit(500);
    await hub.waitFor(() => hub!.events().length === 500, '500 events');
    assert.ok(eventsMessages().length < 10, `batched into ${eventsMessages().length} lines`);
    assert.deepEqual(hub.events().map((event) => event.seq), Array.from({ length: 500 }, (_, index) => index + 1));
    assert.equal(reporter!.stats().eventsSent, 500);
  });

  it('drops and counts what does not fit its buffer, without blocking the caller, and tells the hub', async () => {
    hub = await startTestHub();
    const source = new ManualLockSource();
    startReporter(source, { maxBufferedEvents: 100 });
    await hub.waitFor(() => hub!.messages.length >= 2, 'hello and snapshot');
    source.emit(100_000);
    assert.equal(reporter!.stats().eventsDropped, 99_900);
    await hub.waitFor(() => hub!.events().length === 100, 'the events that fit');
    assert.equal(eventsMessages().reduce((sum, message) => sum + message.dropped, 0), 99_900);
  });

  it('keeps every line under the hub limit: splits big batches, drops an event too big to send alone', async () => {
    hub = await startTestHub();
    const source = new ManualLockSource();
    startReporter(source);
    await hub.waitFor(() => hub!.messages.length >= 2, 'hello and snapshot');
    source.emit(8, 'x'.repeat(200_000));
    source.emit(1, 'y'.repeat(MAX_LINE_BYTES));
    source.emit(1);
    await hub.waitFor(() => hub!.events().length === 9, 'the events that fit a line');
    assert.ok(eventsMessages().length >= 2, 'the big batch was split');
    assert.equal(reporter!.stats().eventsDropped, 1);
    assert.equal(eventsMessages().at(-1)?.dropped, 1);
  });

  it('reconnects after the hub goes away and starts again from a fresh snapshot', async () => {
    hub = await startTestHub();
    const source = new ManualLockSource();
    startReporter(source);
    await hub.waitFor(() => hub!.messages.length >= 2, 'first hello');
    await hub.close();
    source.emit(3);
    source.holding = ['account:bob'];
    await hub.reopen();
    await hub.waitFor(() => hub!.messages.filter((message) => message.type === 'snapshot').length === 2, 'a second snapshot');
    const lastSnapshot = hub.messages.filter((message): message is SnapshotMessage => message.type === 'snapshot').at(-1);
    assert.deepEqual(lastSnapshot?.snapshot.resources.map((resource) => resource.id), ['account:bob']);
    assert.equal(reporter!.stats().connections, 2);
    source.emit(1);
    await hub.waitFor(() => hub!.events().length === 1, 'events after reconnecting');
  });

  it('keeps the call events reported before its first connection for it, but not lock events, which its snapshot covers', async () => {
    hub = await startTestHub();
    const source = new ManualLockSource();
    // A server built with its first request reports that request's start at once, before the socket is connected.
    startReporter(source).reportCall({ type: 'callStarted', atMs: 1, owner: { tool: 'addItem', requestId: 1 } });
    source.emit(1);
    await hub.waitFor(() => hub!.events().length === 1, 'the early callStarted');
    assert.deepEqual(hub.events().map((event) => event.type), ['callStarted']);
    assert.equal(eventsMessages().reduce((sum, message) => sum + message.dropped, 0), 1, 'the early lock event is counted');
  });

  it('lets work wait for its first connection, made or failed, so that the lock events of that work are not dropped', async () => {
    hub = await startTestHub();
    const source = new ManualLockSource();
    const waiting = startReporter(source).firstConnection(60_000);
    await waiting;
    assert.equal(reporter!.stats().connections, 1, 'it waited for the connection');
    source.emit(1);
    await hub.waitFor(() => hub!.events().length === 1, 'the lock event after the first connection');
    assert.equal(eventsMessages().reduce((sum, message) => sum + message.dropped, 0), 0);
    await reporter!.firstConnection(60_000);
    await hub.close();
    const unreachable = startReporter(new ManualLockSource());
    await unreachable.firstConnection(60_000);
    assert.equal(unreachable.stats().connections, 0, 'a failed first connection ends the wait too');
  });

  it('drops call events once its first connection failed, as during any outage', async () => {
    hub = await startTestHub();
    await hub.close();
    const source = new ManualLockSource();
    startReporter(source);
    for (let turn = 0; turn < 200 && reporter!.stats().connections === 0 && reporter!.stats().eventsDropped === 0; turn++) {
      reporter!.reportCall({ type: 'callStarted', atMs: 1, owner: { tool: 'probe' } });
      reporter!.flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const droppedBefore = reporter!.stats().eventsDropped;
    assert.ok(droppedBefore > 0, 'the failed first connection dropped what waited for it');
    reporter!.reportCall({ type: 'callStarted', atMs: 2, owner: { tool: 'addItem' } });
    assert.equal(reporter!.stats().eventsDropped, droppedBefore + 1);
  });

  it('counts every event it could not deliver while the hub was away, and reports the count as soon as it is back', async () => {
    hub = await startTestHub();
    const source = new ManualLockSource();
    startReporter(source);
    await hub.waitFor(() => hub!.messages.length >= 2, 'first hello');
    source.emit(2);
    await hub.waitFor(() => hub!.events().length === 2, 'events before the outage');
    await hub.close();
    for (let turn = 0; turn < 200 && reporter!.stats().connected; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reporter!.stats().connected, false);
    source.emit(500);
    reporter!.reportCall({ type: 'callStarted', atMs: 1, owner: { tool: 'deposit' } });
    await hub.reopen();
    await hub.waitFor(() => eventsMessages().some((message) => message.dropped > 0), 'the count of what the outage cost');
    assert.equal(eventsMessages().reduce((sum, message) => sum + message.dropped, 0), 501);
    assert.equal(reporter!.stats().eventsDropped, 501);
    assert.equal(hub.events().length, 2, 'nothing from the outage is sent late');
    source.emit(1);
    await hub.waitFor(() => hub!.events().length === 3, 'events after reconnecting');
    assert.equal(eventsMessages().at(-1)?.dropped, 0, 'each drop is reported once');
  });

  it('hands what it buffered to the socket at once when flushed, without waiting for its batch timer', async () => {
    hub = await startTestHub();
    const source = new ManualLockSource();
    startReporter(source, { flushDelayMs: 60_000 });
    await hub.waitFor(() => hub!.messages.length >= 2, 'hello and snapshot');
    source.emit(3);
    reporter!.flush();
    await hub.waitFor(() => hub!.events().length === 3, 'the flushed events', 1000);
  });

  it('survives an absent inspector: reports are ignored, nothing throws, close resolves', async () => {
    const source = new ManualLockSource();
    reporter = new InspectorReporter(source, { address: '/nonexistent/lock-inspector.sock', token: 't', label: 'l', reconnectDelayMs: 1 });
    source.emit(1000);
    reporter.reportCall({ type: 'callStarted', atMs: 1, owner: { tool: 'deposit' } });
    assert.equal(reporter.stats().connected, false);
    assert.equal(reporter.stats().eventsSent, 0);
  });

  it('stops for good when the hub rejects its token', async () => {
    hub = await startTestHub();
    hub.rejectWith('bad token');
    const source = new ManualLockSource();
    const stderrWrite = process.stderr.write;
    const written: string[] = [];
    process.stderr.write = ((text: string) => written.push(text) > 0) as unknown as typeof process.stderr.write;
    try {
      startReporter(source);
      await hub.waitFor(() => hub!.messages.length >= 1, 'hello');
      for (let turn = 0; turn < 50 && reporter!.stats().rejectedReason === undefined; turn++) await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.stderr.write = stderrWrite;
    }
    assert.equal(reporter!.stats().rejectedReason, 'bad token');
    assert.match(written.join(''), /refused this server \(bad token\)/);
    assert.equal(reporter!.stats().connected, false);
  });
});
