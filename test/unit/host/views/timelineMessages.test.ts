import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { InspectorModelReader, InspectorSnapshot, SourcedEvent } from '../../../../extension/contract/inspectorSnapshot';
import { HISTORY_CHUNK_EVENTS, timelineChangeMessage, timelineSnapshotMessages } from '../../../../extension/host/views/timelineMessages';

const snapshot: InspectorSnapshot = {
  atMs: 5,
  sources: [],
  resources: [],
  tools: [],
  warnings: [],
  totals: { held: 0, waiting: 0, timeouts: 0, deadlocks: 0, events: 0, linesRejected: 0 },
};

function modelWith(eventCount: number): InspectorModelReader {
  const history = Array.from({ length: eventCount }, (_, index): SourcedEvent => ({ type: 'callStarted', seq: index, atMs: index, owner: { tool: 't' }, sourceId: 's' }));
  return { snapshot: () => snapshot, history: () => history, subscribe: () => () => undefined };
}

test('a long history goes out in slices, oldest first, the first one in the snapshot', () => {
  const messages = timelineSnapshotMessages(modelWith(HISTORY_CHUNK_EVENTS * 2 + 1));
  assert.deepEqual(
    messages.map((message) => message.type),
    ['didSnapshot', 'didChangeLocks', 'didChangeLocks'],
  );
  const events = messages.flatMap((message) => ('events' in message ? message.events : []));
  assert.deepEqual(
    events.map((event) => ('seq' in event ? event.seq : undefined)),
    Array.from({ length: HISTORY_CHUNK_EVENTS * 2 + 1 }, (_, index) => index),
  );
  assert.ok(messages.every((message) => message.type !== 'didChangeLocks' || message.cleared === false));
});

test('an empty history is one snapshot', () => {
  assert.equal(timelineSnapshotMessages(modelWith(0)).length, 1);
});

test("every header says where the model's time cursor is, and nothing while it shows now", () => {
  const cursorOf = (message: ReturnType<typeof timelineChangeMessage>): number | undefined => ('header' in message ? message.header.cursorMs : undefined);
  assert.equal(cursorOf(timelineChangeMessage({ snapshot, events: [], cleared: false }, 1234.5)), 1234.5);
  const live = timelineChangeMessage({ snapshot, events: [], cleared: false });
  assert.ok('header' in live && !('cursorMs' in live.header));
  assert.deepEqual(timelineSnapshotMessages({ ...modelWith(HISTORY_CHUNK_EVENTS + 1), cursorMs: 77 }).map(cursorOf), [77, 77]);
});
