import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { SourceInfo } from '../../../extension/contract/inspectorSnapshot';
import { hasGaps, sourceDetail, sourceGapsExplained } from '../../../webview/sidebar/sourceDetail';

const source: SourceInfo = {
  id: 's1', label: 'bundled server', kind: 'launched', pid: 1, connected: true, connectedAtMs: 0, eventsReceived: 2448, eventsDroppedBySource: 0, linesRejected: 0, partiesRefused: 0,
};

test('a source the view misses nothing of reads plainly', () => {
  assert.equal(sourceDetail(source), 'launched here · 2,448 events');
  assert.equal(sourceGapsExplained(source), '');
  assert.equal(hasGaps(source), false);
});

test('the sources list shows what the view is missing of a source: events not delivered, locks not tracked', () => {
  const missing = { ...source, eventsDroppedBySource: 7940, partiesRefused: 950_000 };
  assert.equal(sourceDetail(missing), 'launched here · 2,448 events · 7,940 not delivered · 950,000 locks not tracked');
  assert.match(sourceGapsExplained(missing), /7,940 events this server could not deliver .*the timeline marks where/);
  assert.match(sourceGapsExplained(missing), /950,000 holders and waiters were not tracked/);
  assert.equal(hasGaps(missing), true);
});
