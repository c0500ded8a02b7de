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
  eventsReceived: 0, eventsDroppedBySource: 0, linesRejected: 0, partiesRefused: 0,
};
const quiet = { timeouts: 0, deadlocks: 0 };

test('says in words what is held and waiting, and the last minute\'s incidents', () => {
  const figures = statusBarFigures(snapshot({ held: 2, waiting: 5, timeouts: 40, deadlocks: 486 }, [launched]), 'running', { timeouts: 1, deadlocks: 6 });
  assert.equal(figures.text, '$(lock) 2 held $(watch) 5 waiting $(error) 6 deadlocks/min $(warning) 1 timeouts/min');
  assert.equal(figures.accessibleLabel, 'Lock Inspector: 2 held, 5 waiting, in the last minute 1 timeout and 6 deadlocks');
  assert.match(figures.tooltip, /Since the last clear: 40 timeouts, 486 deadlocks/);
  assert.match(figures.tooltip, /bundled server \(launched, pid 42\)/);
});

test('colours only the last minute\'s trouble: an old total alone is not an alarm', () => {
  assert.equal(statusBarFigures(snapshot({ timeouts: 9, deadlocks: 58 }, [launched]), 'running', quiet).background, undefined);
  assert.equal(statusBarFigures(snapshot({}, [launched]), 'running', { timeouts: 1, deadlocks: 0 }).background, 'statusBarItem.warningBackground');
  assert.equal(statusBarFigures(snapshot({}, [launched]), 'running', { timeouts: 1, deadlocks: 1 }).background, 'statusBarItem.errorBackground');
});

test('after Stop Server, with nothing reporting, it says so and is not red', () => {
  const stopped = statusBarFigures(snapshot({ deadlocks: 58 }, [{ ...launched, connected: false }]), 'stopped', { timeouts: 0, deadlocks: 3 });
  assert.equal(stopped.text, '$(lock) Locks: no server');
  assert.equal(stopped.background, undefined);
  const crashed = statusBarFigures(snapshot({}), 'crashed', quiet);
  assert.equal(crashed.background, 'statusBarItem.errorBackground');
  assert.equal(crashed.text, '$(debug-disconnect) Locks: server crashed');
});
