import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCliArgs } from '../../../extension/cli/cliArgs';
import { describeLockWarning, lostUpdateMessage, lostUpdatePossibleMessage, raceProbeSummary } from '../../../extension/contract/describe';
import { inspectorEventSchema } from '../../../extension/contract/wireSchema';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { exportChromeTrace } from '../../../extension/inspector/traceExport';
import { LockEventFactory } from '../../support/lockEvents';

const add7 = { tool: 'addItem', requestId: 7 };
const add5 = { tool: 'addItem', requestId: 5 };

describe('lostUpdate events through the inspector', () => {
  it('pass the channel schema unchanged, and a malformed one is refused', () => {
    const event = new LockEventFactory().lostUpdate('/srv/items.json', 3, 1000, add7, add5);
    assert.deepEqual(inspectorEventSchema.parse(event), event);
    assert.equal(inspectorEventSchema.safeParse({ ...event, keyKind: 'socket' }).success, false);
    assert.equal(inspectorEventSchema.safeParse({ ...event, overwritten: { atMs: 1 } }).success, false);
  });

  it('become one warning per key and pair of tools naming both calls and the three sites, counted on the stale writer’s tool', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    model.ingest('s1', [make.callStarted(add7, 990), make.lostUpdate('/srv/items.json', 3, 1000, add7, add5), make.lostUpdate('/srv/items.json', 4, 1010, add7, add5)]);
    const snapshot = model.snapshot();
    assert.equal(snapshot.warnings.length, 1);
    const [warning] = snapshot.warnings;
    assert.equal(warning.kind, 'lostUpdate');
    assert.equal(
      warning.message,
      "Lost update (2 times): addItem #7 wrote '/srv/items.json' at server.ts:7:3 from what it read 20 ms earlier at server.ts:5:3, " +
        "overwriting what addItem #5 wrote in between at server.ts:7:3. Hold one lock across the read and the write, e.g. withLock('file:items.json', ...).",
    );
    assert.equal(snapshot.tools.find((tool) => tool.tool === 'addItem')?.lostUpdates, 2);
    assert.equal(describeLockWarning(make.lostUpdate('counters.alice', 1, 5, add7, add5, 'state')), lostUpdateMessage(make.lostUpdate('counters.alice', 1, 5, add7, add5, 'state')));
    assert.match(describeLockWarning(make.lostUpdate('counters.alice', 1, 5, add7, add5, 'state')), /withLock\('counters\.alice', \.\.\.\)/);
  });

  it('appear in the trace export as instants with both owners and the sites', () => {
    const model = new InspectorModel();
    model.ingest('s1', [new LockEventFactory().lostUpdate('/srv/items.json', 3, 1000, add7, add5)]);
    const instant = exportChromeTrace(model.history()).traceEvents.find((event) => event.cat === 'lostUpdate');
    assert.equal(instant?.ph, 'i');
    assert.equal(instant?.name, 'lost update: /srv/items.json');
    assert.deepEqual(instant?.args?.['overwrittenOwner'], add5);
    assert.deepEqual((instant?.args?.['read'] as { location: string }).location, 'server.ts:5:3');
  });

  it('can fail a CI run: watch --fail-on lost-update', () => {
    const command = parseCliArgs(['watch', '--fail-on', 'lost-update,deadlock', '--', 'node', 'server.js']);
    assert.equal(command.kind, 'watch');
    assert.deepEqual(command.kind === 'watch' ? command.failOn : [], ['lost-update', 'deadlock']);
  });

  it('are summed up after a burst of parallel calls, and the editor words a possible one as the issue asks', () => {
    const make = new LockEventFactory();
    assert.equal(raceProbeSummary([]), 'Race probe: no lost updates seen.');
    const lost = [make.lostUpdate('/srv/items.json', 3, 1000, add7, add5), make.lostUpdate('/srv/items.json', 4, 1010, add7, add5), make.lostUpdate('counters.hits', 5, 1020, add7, add5, 'state')];
    assert.equal(raceProbeSummary(lost), "Race probe: 3 lost updates seen: 2× '/srv/items.json' at server.ts:7:3; 1× 'counters.hits' at server.ts:7:3.");
    assert.equal(
      lostUpdatePossibleMessage('requestCount', 5, 7, 'await doWork()'),
      'lost update possible: `requestCount` read at line 5, written at line 7 after `await doWork()`; a parallel call can run in between',
    );
  });
});
