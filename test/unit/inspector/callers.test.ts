import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeCaller, describeOwner } from '../../../extension/contract/describe';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { LockEventFactory } from '../../support/lockEvents';

const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';

describe('owners without sessions (2026-07-28): callers', () => {
  it('names a caller by its client info and stdio connection, else its session, connection or trace', () => {
    assert.equal(describeCaller({ caller: 'claude-code/2.1.0', connectionId: '3' }), 'claude-code/2.1.0 · connection 3');
    assert.equal(describeCaller({ caller: 'claude-code/2.1.0', traceId: TRACE_A }), 'claude-code/2.1.0');
    assert.equal(describeCaller({ sessionId: '7f3a' }), 'session 7f3a');
    assert.equal(describeCaller({ connectionId: '2' }), 'connection 2');
    assert.equal(describeCaller({ traceId: TRACE_A }), `trace ${TRACE_A}`);
    assert.equal(describeCaller({ tool: 'transfer' }), undefined);
  });

  it('groups calls, holds, waits and failures by caller, with the trace ids of its latest calls', () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    const ide = (requestId: number, traceId: string) => ({ tool: 'transfer', requestId, caller: 'vscode/1.101.0', connectionId: '1', traceId, spanId: '00f067aa0ba902b7' });
    const agent = (requestId: number) => ({ tool: 'deposit', requestId, caller: 'agent/0.3' });
    model.ingest('s1', [
      make.callStarted(ide(1, TRACE_A), 0),
      make.acquired('account:alice', 1, 1, 0, ide(1, TRACE_A)),
      make.callStarted(ide(2, TRACE_B), 2),
      make.requested('account:alice', 2, 2, ide(2, TRACE_B)),
      make.callStarted(agent(3), 3),
      make.requested('account:alice', 3, 3, agent(3)),
      make.timeout('account:alice', 3, 50, 47, agent(3)),
      make.callEnded(agent(3), 51, 48, 'error', 'E_LOCK_TIMEOUT'),
    ]);
    const callers = model.snapshot().callers ?? [];
    assert.deepEqual(
      callers.map(({ caller, calls, active, holding, waiting, timeouts }) => ({ caller, calls, active, holding, waiting, timeouts })),
      [
        { caller: 'vscode/1.101.0 · connection 1', calls: 2, active: 2, holding: 1, waiting: 1, timeouts: 0 },
        { caller: 'agent/0.3', calls: 1, active: 0, holding: 0, waiting: 0, timeouts: 1 },
      ],
    );
    assert.deepEqual(callers[0]?.traceIds, [TRACE_B, TRACE_A], 'newest first');
    assert.equal(callers[1]?.wait.count, 0, 'the timed-out wait never got the lock');
  });

  it("shows a task's hold as the task's, and warns when it outlives the task's ttl", () => {
    const model = new InspectorModel();
    const make = new LockEventFactory();
    const task = { tool: 'transfer_later', taskId: '7f3a', taskTtlMs: 50, caller: 'agent/0.3' };
    model.ingest('s1', [make.acquired('account:a0', 1, 0, 0, task)]);
    const holder = model.snapshot().resources[0]?.holders[0];
    assert.equal(describeOwner(holder?.owner, holder?.chainId), 'transfer_later task 7f3a');
    model.ingest('s1', [make.released('account:a0', 1, 80, 80, task)]);
    assert.match(model.snapshot().warnings[0]?.message ?? '', /^Held past its task's ttl: transfer_later task 7f3a held 'account:a0' for 80 ms, longer than the task's ttl of 50 ms/);
  });
});
