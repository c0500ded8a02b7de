import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import FakeTimers from '@sinonjs/fake-timers';
import type { InspectorSnapshot } from '../../../extension/contract/inspectorSnapshot';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { encodeRecording, readRecording, recordingOf, RecordingError, RECORDING_VERSION, writeRecording } from '../../../extension/inspector/recording';
import { replayRecording } from '../../../extension/inspector/replayRecording';
import type { Clock } from '../../../extension/inspector/throttle';
import { LockEventFactory } from '../../support/lockEvents';

const START_MS = 1_700_000_000_000;
const transfer = (requestId: number) => ({ tool: 'transfer', requestId });

/** A live session on a fake clock: two sources, contention, a timeout, a deadlock, a long hold, one source gone; snapshots at chosen instants. */
function liveSession(): { model: InspectorModel; snapshotsAt: Map<number, InspectorSnapshot> } {
  const fake = FakeTimers.createClock(START_MS);
  const clock: Clock = { now: () => fake.now, setTimeout: (callback, delayMs) => fake.setTimeout(callback, delayMs), clearTimeout: (handle) => fake.clearTimeout(handle as FakeTimers.TimerId) };
  const model = new InspectorModel({ clock });
  const make = new LockEventFactory();
  const snapshotsAt = new Map<number, InspectorSnapshot>();
  const at = (offsetMs: number) => {
    fake.setSystemTime(START_MS + offsetMs);
    return START_MS + offsetMs;
  };
  model.addSource({ id: 'bank', label: 'bank server', kind: 'launched', pid: 10, connectedAtMs: at(0) });
  model.ingest('bank', [make.callStarted(transfer(1), at(5)), ...make.call('db', 1, at(5), 100, transfer(1)).slice(0, 2)]);
  model.ingest('bank', [make.callStarted(transfer(2), at(10)), make.requested('db', 2, at(10), transfer(2), 'write', 1)], 3);
  snapshotsAt.set(at(50), model.snapshot());
  model.addSource({ id: 'agent', label: 'chat agent', kind: 'chat', pid: 11, connectedAtMs: at(60) });
  model.ingest('agent', [make.requested('cache', 7, at(70), { label: 'warmup' }, 'read'), make.acquired('cache', 7, at(70), 0, { label: 'warmup' }, 'read')]);
  model.ingest('bank', [make.released('db', 1, at(105), 100, transfer(1)), make.acquired('db', 2, at(105), 95, transfer(2)), make.callEnded(transfer(1), at(106), 101)]);
  model.ingest('bank', [make.requested('db', 3, at(110), transfer(3), 'write', 0), make.timeout('db', 3, at(150), 40, transfer(3))]);
  model.countRejectedLine('bank');
  snapshotsAt.set(at(160), model.snapshot());
  model.ingest('bank', [make.longHold('db', 2, at(1105), 1000, transfer(2)), make.deadlock('account:bob', 2, 'account:alice', 4, at(1200), transfer(2), transfer(4))]);
  at(1300);
  model.disconnectSource('agent');
  snapshotsAt.set(at(1400), model.snapshot());
  return { model, snapshotsAt };
}

describe('.lockrec recordings', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'lockrec-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('round trip: a file written, reopened and replayed shows the same snapshot at the same instant', async () => {
    const { model, snapshotsAt } = liveSession();
    const file = path.join(folder, 'session.lockrec');
    await writeRecording(file, recordingOf(model));
    const reopened = await readRecording(file);
    assert.equal(reopened.events.length, model.history().length);
    const recordedAtMs = START_MS + 1400;
    assert.equal(reopened.header.recordedAtMs, recordedAtMs);
    assert.deepEqual(replayRecording(reopened).snapshot(), snapshotsAt.get(recordedAtMs));
  });

  it('scrub: replayed to an earlier instant, it shows the state the live model showed then', async () => {
    const { model, snapshotsAt } = liveSession();
    const recording = recordingOf(model);
    for (const instantMs of [START_MS + 50, START_MS + 160]) {
      const replayed = replayRecording(recording, instantMs).snapshot();
      const live = snapshotsAt.get(instantMs) as InspectorSnapshot;
      // Dropped and rejected counts cannot be placed in time: the replay shows them as recorded.
      assert.deepEqual(replayed.resources, live.resources, `resources at +${instantMs - START_MS} ms`);
      assert.deepEqual(replayed.warnings, live.warnings);
      assert.deepEqual(replayed.tools, live.tools);
      assert.deepEqual(replayed.sources.map((source) => [source.id, source.connected, source.eventsReceived]), live.sources.map((source) => [source.id, source.connected, source.eventsReceived]));
    }
    assert.deepEqual(replayRecording(recording, START_MS + 50).snapshot().resources[0]?.waiters.map((waiter) => waiter.chainId), [2], 'transfer #2 queued on db');
  });

  it('is gzip-compressed JSON lines with a versioned header first', () => {
    const { model } = liveSession();
    const lines = gunzipSync(encodeRecording(recordingOf(model))).toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual([lines[0].format, lines[0].version, lines[0].type], ['mcp-lock-inspector-recording', RECORDING_VERSION, 'header']);
    assert.deepEqual(lines.slice(1, 3).map((line) => line.type), ['source', 'source']);
    assert.ok(lines.slice(3).every((line) => line.type === 'event'));
  });

  const damaged = async (fileName: string, bytes: Buffer) => {
    const file = path.join(folder, fileName);
    await writeFile(file, bytes);
    return readRecording(file);
  };
  const linesOf = () => gunzipSync(encodeRecording(recordingOf(liveSession().model))).toString('utf8').trim().split('\n');

  it('a damaged line is refused with the file, the line number and what to do', async () => {
    const lines = linesOf();
    lines[4] = (lines[4] as string).slice(0, 20);
    await assert.rejects(damaged('cut.lockrec', gzipSync(lines.join('\n'))), (error: Error) => {
      assert.ok(error instanceof RecordingError);
      assert.match(error.message, /^cut\.lockrec:5: not a JSON line; .*Record the session again/);
      return true;
    });
  });

  it('an event of an unknown shape names its line', async () => {
    const lines = linesOf();
    lines[5] = JSON.stringify({ type: 'event', event: { type: 'acquired', sourceId: 'bank', atMs: START_MS } });
    await assert.rejects(damaged('shape.lockrec', gzipSync(lines.join('\n'))), /^RecordingError: shape\.lockrec:6: not a lock event this inspector knows/);
  });

  it('a newer format version says to update, an older one to record again', async () => {
    const lines = linesOf();
    const header = JSON.parse(lines[0] as string);
    lines[0] = JSON.stringify({ ...header, version: RECORDING_VERSION + 1 });
    await assert.rejects(damaged('newer.lockrec', gzipSync(lines.join('\n'))), /newer\.lockrec:1: recording format version 2 is newer than this inspector reads \(1\)\. Update MCP Lock Inspector/);
    lines[0] = JSON.stringify({ ...header, version: 0 });
    await assert.rejects(damaged('older.lockrec', gzipSync(lines.join('\n'))), /older\.lockrec:1: recording format version 0 is no longer read/);
  });

  it('a file that is not a gzip recording, or not a recording at all, says so', async () => {
    await assert.rejects(damaged('plain.lockrec', Buffer.from('{"format":"mcp-lock-inspector-recording"}\n')), /plain\.lockrec is not a gzip-compressed \.lockrec recording/);
    await assert.rejects(damaged('trace.lockrec', gzipSync('{"traceEvents":[]}\n')), /trace\.lockrec:1: not a \.lockrec header/);
    await assert.rejects(readRecording(path.join(folder, 'missing.lockrec')), /Cannot read the recording .*missing\.lockrec/);
  });

  it('events out of time order are refused, since a replay walks them oldest first', async () => {
    const lines = linesOf();
    const last = JSON.parse(lines.at(-1) as string);
    lines.push(JSON.stringify({ ...last, event: { ...last.event, atMs: START_MS - 3_600_000 } }));
    await assert.rejects(damaged('merged.lockrec', gzipSync(lines.join('\n'))), new RegExp(`merged\\.lockrec:${lines.length}: this event is older than the one before it`));
  });
});
