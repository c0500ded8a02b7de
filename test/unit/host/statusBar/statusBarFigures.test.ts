import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InspectorSnapshot, SourceInfo } from '../../../../extension/contract/inspectorSnapshot';
import { statusBarFigures } from '../../../../extension/host/statusBar/statusBarFigures';

function snapshot(totals: Partial<InspectorSnapshot['totals']>, sources: SourceInfo[] = []): InspectorSnapshot {
  return {
    atMs: 0,
    sources,
    resources: [],
    tools: [],
    warnings: [],
    totals: { held: 0, waiting: 0, timeouts: 0, deadlocks: 0, events: 0, linesRejected: 0, ...totals },
  };
}

const launched: SourceInfo = {
  id: 's1', label: 'bundled server', kind: 'launched', pid: 42, connected: true, connectedAtMs: 0,
  eventsReceived: 0, eventsDroppedBySource: 0, linesRejected: 0,
};

test('shows held, waiting and timeouts in that order', () => {
  const figures = statusBarFigures(snapshot({ held: 2, waiting: 5, timeouts: 1 }, [launched]), 'running');
  assert.equal(figures.text, '$(lock) 2 $(watch) 5 $(error) 1');
  assert.equal(figures.accessibleLabel, 'Lock Inspector: 2 held, 5 waiting, 1 timeout');
  assert.match(figures.tooltip, /bundled server \(launched, pid 42\)/);
});

test('warns on timeouts and alarms on deadlocks or a crashed server', () => {
  assert.equal(statusBarFigures(snapshot({}), 'running').background, undefined);
  assert.equal(statusBarFigures(snapshot({ timeouts: 1 }), 'running').background, 'statusBarItem.warningBackground');
  assert.equal(statusBarFigures(snapshot({ timeouts: 1, deadlocks: 1 }), 'running').background, 'statusBarItem.errorBackground');
  const crashed = statusBarFigures(snapshot({}), 'crashed');
  assert.equal(crashed.background, 'statusBarItem.errorBackground');
  assert.match(crashed.text, /^\$\(debug-disconnect\) /);
});
