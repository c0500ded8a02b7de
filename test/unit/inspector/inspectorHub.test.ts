import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { CHANNEL_ENV, MAX_LINE_BYTES, WIRE_VERSION } from '../../../extension/contract/wireFormat';
import { InspectorHub, type InspectorLogger, type InspectorSink } from '../../../extension/inspector/inspectorHub';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { ChannelPeer, waitUntil } from '../../support/channelPeer';
import { LockEventFactory } from '../../support/lockEvents';

const unixOnly = process.platform === 'win32' ? { skip: 'named pipes have no file mode' } : {};

function recordingLogger(): InspectorLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, warn: (message) => warnings.push(message) };
}

describe('InspectorHub', () => {
  let model: InspectorModel;
  let hub: InspectorHub;
  let logger: ReturnType<typeof recordingLogger>;
  const make = new LockEventFactory();

  before(async () => {
    model = new InspectorModel();
    logger = recordingLogger();
    hub = await InspectorHub.listen({ model, logger, helloTimeoutMs: 200 });
  });
  after(() => hub.dispose());

  const sourceById = (id: string) => model.snapshot().sources.find((source) => source.id === id);

  it('listens in a fresh 0700 directory with a fresh random token, and gives the env for a server', unixOnly, async () => {
    const directory = path.dirname(hub.address);
    assert.equal((await stat(directory)).mode & 0o777, 0o700);
    assert.equal((await stat(hub.address)).mode & 0o077, 0, 'socket not accessible to group or others');
    const other = await InspectorHub.listen();
    try {
      assert.notEqual(other.token, hub.token);
      assert.notEqual(path.dirname(other.address), directory);
      assert.ok(hub.token.length >= 40);
    } finally {
      await other.dispose();
    }
    assert.deepEqual(hub.envFor('bundled server', 'launched'), {
      [CHANNEL_ENV.address]: hub.address,
      [CHANNEL_ENV.token]: hub.token,
      [CHANNEL_ENV.label]: 'bundled server',
      [CHANNEL_ENV.kind]: 'launched',
    });
  });

  it('accepts several servers at once as labelled sources and attributes their events', async () => {
    const launched = await ChannelPeer.hello(hub.address, hub.token, 'bundled server', 'launched');
    const chat = await ChannelPeer.hello(hub.address, hub.token, 'chat agent', 'chat');
    const launchedId = (launched.replies[0] as { sourceId: string }).sourceId;
    const chatId = (chat.replies[0] as { sourceId: string }).sourceId;
    assert.deepEqual(launched.replies[0], { v: WIRE_VERSION, type: 'welcome', sourceId: launchedId });
    assert.notEqual(launchedId, chatId);
    launched.sendEvents([make.acquired('account:A', 1, 10, 0, { tool: 'transfer', requestId: 1 })]);
    chat.sendEvents([make.requested('account:A', 1, 11, { tool: 'balance', requestId: 'x' })], 3);
    await waitUntil(() => (sourceById(chatId)?.eventsReceived ?? 0) === 1 && (sourceById(launchedId)?.eventsReceived ?? 0) === 1);
    assert.deepEqual(
      [sourceById(launchedId)?.label, sourceById(launchedId)?.kind, sourceById(chatId)?.label, sourceById(chatId)?.kind],
      ['bundled server', 'launched', 'chat agent', 'chat'],
    );
    assert.equal(sourceById(chatId)?.eventsDroppedBySource, 3);
    const keys = model.snapshot().resources.map((resource) => resource.key);
    assert.ok(keys.includes(`${launchedId}\u0000account:A`) && keys.includes(`${chatId}\u0000account:A`));
    await Promise.all([launched.close(), chat.close()]);
  });

  it("takes a replica's name and lease from its hello, and never a server's claim to be the inspector's Redis reading", async () => {
    const peer = await ChannelPeer.connect(hub.address);
    peer.sendLine({ v: WIRE_VERSION, type: 'hello', token: hub.token, pid: 4242, label: "replica 'r1'", kind: 'redis', replica: 'r1', leaseMs: 3000 });
    await peer.waitForReply();
    const sourceId = (peer.replies[0] as { sourceId: string }).sourceId;
    assert.deepEqual([sourceById(sourceId)?.kind, sourceById(sourceId)?.replica, sourceById(sourceId)?.leaseMs], ['external', 'r1', 3000]);
    await peer.close();
  });

  it('refuses a wrong token with a rejected reply, closes the connection and keeps serving', async () => {
    const rejectedBefore = model.snapshot().totals.linesRejected;
    const intruder = await ChannelPeer.connect(hub.address);
    intruder.sendLine({ v: WIRE_VERSION, type: 'hello', token: `${hub.token.slice(0, -1)}x`, pid: 1, label: 'intruder' });
    intruder.sendEvents([make.requested('secret', 1, 1)]);
    await intruder.closed;
    assert.deepEqual(intruder.replies, [{ v: WIRE_VERSION, type: 'rejected', reason: 'wrong token' }]);
    assert.equal(model.snapshot().totals.linesRejected, rejectedBefore + 1);
    assert.ok(!model.snapshot().resources.some((resource) => resource.id === 'secret'));
    const honest = await ChannelPeer.hello(hub.address, hub.token);
    assert.equal(honest.replies[0]?.type, 'welcome');
    await honest.close();
  });

  it('says why when the first line is not a hello, or speaks another wire version', async () => {
    const cases: [string, RegExp][] = [
      ['{"v":1,"type":"events","events":[],"dropped":0}\n', /first line must be a hello/],
      ['not json at all\n', /first line must be a JSON hello/],
      [`${JSON.stringify({ v: 2, type: 'hello', token: hub.token, pid: 1, label: 'future' })}\n`, /wire version 2 is not supported; this inspector speaks version 1/],
      [`${JSON.stringify({ v: 1, type: 'hello', token: hub.token, label: 'no pid' })}\n`, /malformed hello/],
    ];
    for (const [line, reason] of cases) {
      const peer = await ChannelPeer.connect(hub.address);
      peer.socket.write(line);
      await peer.closed;
      assert.equal(peer.replies[0]?.type, 'rejected');
      assert.match((peer.replies[0] as { reason: string }).reason, reason);
    }
  });

  it('closes a connection that never says hello', async () => {
    const silent = await ChannelPeer.connect(hub.address);
    await silent.closed;
    assert.match((silent.replies[0] as { reason: string }).reason, /no hello in time/);
  });

  it('drops malformed, wrong-version and unknown lines after hello, counts them for the source and logs them', async () => {
    const peer = await ChannelPeer.hello(hub.address, hub.token);
    const sourceId = (peer.replies[0] as { sourceId: string }).sourceId;
    peer.socket.write('{oops\n');
    peer.sendLine({ v: 9, type: 'events', events: [], dropped: 0 });
    peer.sendLine({ v: 1, type: 'subscribe' });
    peer.sendLine({ v: 1, type: 'events', events: 'nope', dropped: 0 });
    peer.sendLine({ v: 1, type: 'snapshot', snapshot: { atMs: 1 } });
    // A batch with one bad event keeps its good ones and still counts as one refused line.
    peer.sendEvents([make.requested('good', 1, 1), { type: 'requested', seq: -1 } as never, make.requested('good', 2, 2)]);
    await waitUntil(() => sourceById(sourceId)?.linesRejected === 6);
    assert.equal(sourceById(sourceId)?.eventsReceived, 2);
    assert.ok(logger.warnings.some((warning) => /not JSON/.test(warning)));
    assert.ok(logger.warnings.some((warning) => /wire version 9 is not 1/.test(warning)));
    assert.ok(logger.warnings.some((warning) => /unexpected message type "subscribe"/.test(warning)));
    await peer.close();
  });

  it('discards a line longer than MAX_LINE_BYTES up to its newline, counts it once, and reads the next line', async () => {
    const peer = await ChannelPeer.hello(hub.address, hub.token);
    const sourceId = (peer.replies[0] as { sourceId: string }).sourceId;
    const chunk = Buffer.alloc(256 * 1024, 'x');
    for (let written = 0; written <= MAX_LINE_BYTES * 2; written += chunk.length) peer.socket.write(chunk);
    peer.socket.write('\n');
    peer.sendEvents([make.requested('after-huge', 1, 1)]);
    await waitUntil(() => sourceById(sourceId)?.eventsReceived === 1);
    assert.equal(sourceById(sourceId)?.linesRejected, 1);
    await peer.close();
  });

  it('marks a server that disconnects (or crashes) and clears its live holders and waiters', async () => {
    const peer = await ChannelPeer.hello(hub.address, hub.token);
    const sourceId = (peer.replies[0] as { sourceId: string }).sourceId;
    peer.sendEvents([make.acquired('crash', 1, 1, 0), make.requested('crash', 2, 2)]);
    await waitUntil(() => sourceById(sourceId)?.eventsReceived === 2);
    peer.socket.destroy();
    await waitUntil(() => sourceById(sourceId)?.connected === false);
    const crashed = model.snapshot().resources.find((resource) => resource.key === `${sourceId}\u0000crash`);
    assert.deepEqual([crashed?.holders.length, crashed?.waiters.length], [0, 0]);
  });

  it('applies snapshot messages to the source that sent them', async () => {
    const peer = await ChannelPeer.hello(hub.address, hub.token);
    const sourceId = (peer.replies[0] as { sourceId: string }).sourceId;
    peer.sendSnapshot({ atMs: 5, resources: [{ id: 'from-snapshot', holders: [{ chainId: 3, mode: 'write', sinceMs: 4 }], waiters: [] }] });
    await waitUntil(() => model.snapshot().resources.some((resource) => resource.key === `${sourceId}\u0000from-snapshot`));
    await peer.close();
  });

  it('keeps serving when its model throws, and logs the failure', async () => {
    const brokenLogger = recordingLogger();
    const throwing: InspectorSink = {
      addSource: () => {},
      ingest: () => {
        throw new Error('model bug');
      },
      applySnapshot: () => {},
      disconnectSource: () => {},
      countRejectedLine: () => {},
    };
    const brokenHub = await InspectorHub.listen({ model: throwing, logger: brokenLogger });
    try {
      const peer = await ChannelPeer.hello(brokenHub.address, brokenHub.token);
      peer.sendEvents([make.requested('a', 1, 1)]);
      await waitUntil(() => brokenLogger.warnings.some((warning) => /internal error: Error: model bug/.test(warning)));
      const second = await ChannelPeer.hello(brokenHub.address, brokenHub.token);
      assert.equal(second.replies[0]?.type, 'welcome');
      await Promise.all([peer.close(), second.close()]);
    } finally {
      await brokenHub.dispose();
    }
  });

  it('dispose() closes every connection and removes the private directory', unixOnly, async () => {
    const disposable = await InspectorHub.listen();
    const peer = await ChannelPeer.hello(disposable.address, disposable.token);
    await disposable.dispose();
    await peer.closed;
    await assert.rejects(stat(path.dirname(disposable.address)), { code: 'ENOENT' });
  });
});

/** How many lines the hub sees in `bytes` that are not blank (each one it must refuse). */
function nonBlankLines(bytes: Buffer): number {
  let lines = 0;
  let start = 0;
  while (start <= bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    if (bytes.toString('utf8', start, end).trim() !== '') lines += 1;
    start = end + 1;
  }
  return lines;
}

describe('InspectorHub under hostile input (fuzz)', () => {
  const maxLineBytes = 64 * 1024;
  let model: InspectorModel;
  let hub: InspectorHub;
  let sentinelSeq = 1_000_000;

  before(async () => {
    model = new InspectorModel({ maxResources: 1000 });
    hub = await InspectorHub.listen({ model, maxLineBytes, helloTimeoutMs: 200 });
  });
  after(() => hub.dispose());

  /** Proves the hub still serves: a fresh authenticated peer's event arrives. */
  async function assertStillServing(): Promise<void> {
    const peer = await ChannelPeer.hello(hub.address, hub.token);
    const seq = ++sentinelSeq;
    peer.sendEvents([{ type: 'requested', seq, atMs: 1, chainId: 1, resource: 'sentinel', mode: 'write', queueDepth: 0 }]);
    await waitUntil(() => model.history().some((event) => 'seq' in event && event.seq === seq));
    await peer.close();
  }

  const garbageLine = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
    fc.integer({ min: maxLineBytes - 8, max: maxLineBytes * 3 }).map((size) => Buffer.alloc(size, '{')),
    fc.json().map((json) => Buffer.from(json)),
    fc.jsonValue().map((value) => Buffer.from(JSON.stringify({ v: 1, type: 'events', events: [value], dropped: 0 }))),
    fc.record({ v: fc.oneof(fc.integer(), fc.string()), type: fc.constantFrom('hello', 'events', 'snapshot', 'x') }).map((line) => Buffer.from(JSON.stringify(line))),
    fc.constant(Buffer.from(JSON.stringify({ v: 1, type: 'hello', token: 'wrong', pid: 1, label: 'again' }))),
  );

  it('refuses random bytes and wrong tokens before hello, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(garbageLine, { minLength: 1, maxLength: 4 }), async (lines) => {
        const rejectedBefore = hub.stats().connectionsRejected;
        const peer = await ChannelPeer.connect(hub.address);
        for (const line of lines) peer.socket.write(Buffer.concat([line, Buffer.from('\n')]));
        await peer.closed;
        assert.equal(hub.stats().connectionsRejected, rejectedBefore + 1);
        assert.equal(peer.replies[0]?.type, 'rejected');
      }),
      { numRuns: 40 },
    );
    await assertStillServing();
  });

  it('after a valid hello, drops and counts garbage, keeps every valid event, and interleaved sources stay apart', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(garbageLine.map((garbage) => ({ garbage })), fc.nat(1000).map((chainId) => ({ chainId }))), { minLength: 1, maxLength: 12 }),
        fc.nat(5),
        async (items, validOnOtherSource) => {
          const hostile = await ChannelPeer.hello(hub.address, hub.token, 'hostile');
          const other = await ChannelPeer.hello(hub.address, hub.token, 'other');
          const hostileId = (hostile.replies[0] as { sourceId: string }).sourceId;
          const otherId = (other.replies[0] as { sourceId: string }).sourceId;
          let validSent = 0;
          let garbageSent = 0;
          for (const item of items) {
            if ('garbage' in item) {
              hostile.socket.write(Buffer.concat([item.garbage, Buffer.from('\n')]));
              garbageSent += nonBlankLines(item.garbage);
            } else {
              hostile.sendEvents([{ type: 'requested', seq: validSent + 1, atMs: 1, chainId: item.chainId, resource: 'fuzz', mode: 'read', queueDepth: 0 }]);
              validSent += 1;
            }
            for (let index = 0; index < validOnOtherSource; index += 1) {
              other.sendEvents([{ type: 'callStarted', seq: index + 1, atMs: 1, owner: { tool: 'calm' } }]);
            }
          }
          const sentinel = ++sentinelSeq;
          hostile.sendEvents([{ type: 'released', seq: sentinel, atMs: 2, chainId: 1, resource: 'fuzz', mode: 'read', heldMs: 1 }]);
          await waitUntil(() => model.history().some((event) => 'seq' in event && event.seq === sentinel && event.sourceId === hostileId));
          const source = (id: string) => model.snapshot().sources.find((candidate) => candidate.id === id);
          assert.equal(source(hostileId)?.connected, true, 'garbage after hello does not cost the connection');
          assert.equal(source(hostileId)?.eventsReceived, validSent + 1);
          assert.equal(source(hostileId)?.linesRejected, garbageSent, 'each non-blank garbage line is counted once');
          await waitUntil(() => source(otherId)?.eventsReceived === validOnOtherSource * items.length);
          assert.equal(source(otherId)?.linesRejected, 0);
          await Promise.all([hostile.close(), other.close()]);
        },
      ),
      { numRuns: 40 },
    );
    const rejected = model.snapshot().sources.reduce((sum, source) => sum + source.linesRejected, 0);
    assert.ok(rejected > 0, 'the fuzz produced refused lines');
    await assertStillServing();
  });
});
