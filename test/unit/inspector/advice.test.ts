import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import type { InspectorEvent } from '../../../extension/contract/wireFormat';
import { adviceWarnings } from '../../../extension/inspector/advice/adviceWarnings';
import { parallelSafetyHints } from '../../../extension/inspector/advice/parallelSafetyHints';
import { clientTimeoutOf, timeoutBudget } from '../../../extension/inspector/advice/timeoutBudget';
import { fromSource, LockEventFactory } from '../../support/lockEvents';

/** `count` calls of `tool`, each waiting `waitedMs` then holding `resource` for `heldMs` in `mode`. */
function calls(make: LockEventFactory, tool: string, count: number, waitedMs: number, heldMs: number, mode: 'read' | 'write' = 'write', resource = 'account:alice', caller?: string): InspectorEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const owner = { tool, requestId: `${tool}-${index}`, ...(caller === undefined ? {} : { caller }) };
    const atMs = index * 1000;
    return [
      make.callStarted(owner, atMs),
      make.requested(resource, index + 1, atMs, owner, mode),
      make.acquired(resource, index + 1, atMs + waitedMs, waitedMs, owner, mode),
      make.released(resource, index + 1, atMs + waitedMs + heldMs, heldMs, owner, mode),
      make.callEnded(owner, atMs + waitedMs + heldMs, waitedMs + heldMs),
    ];
  }).flat();
}

describe('timeout budget', () => {
  it('warns when p99 wait plus p99 hold take half the client\'s request timeout or more', () => {
    const make = new LockEventFactory();
    const history = fromSource('bank', [...calls(make, 'transfer', 20, 25_000, 10_000), ...calls(make, 'deposit', 20, 10, 20)]);
    const findings = timeoutBudget(history);
    assert.deepEqual(findings.map((finding) => [finding.tool, finding.waitP99Ms, finding.holdP99Ms, finding.clientTimeoutMs]), [['transfer', 25_000, 10_000, 60_000]]);
    assert.deepEqual(timeoutBudget(history, { timeoutMs: 100_000, label: 'configured' }), [], 'a longer client timeout fits them');
  });

  it('warns when the lock timeout the calls met is longer than the client\'s', () => {
    const make = new LockEventFactory();
    const owner = { tool: 'audit', requestId: 1 };
    const history = fromSource('bank', [make.requested('ledger', 1, 0, owner), make.timeout('ledger', 1, 90_000, 90_000, owner)]);
    const [finding] = timeoutBudget(history);
    assert.equal(finding?.lockTimeoutMs, 90_000);
    const [warning] = adviceWarnings(history);
    assert.match(warning?.message ?? '', /^Timeout budget: audit waits up to 1 min 30 s for a lock, longer than the client's 1 min 00 s request timeout \(MCP SDK default\)/);
  });

  it('takes each call\'s own client: VS Code\'s sets no request timeout, any other SDK client\'s is 60 s, the strictest counts', () => {
    const make = new LockEventFactory();
    const fromVsCode = fromSource('bank', calls(make, 'transfer', 20, 25_000, 10_000, 'write', 'account:alice', 'Visual Studio Code/1.107.0'));
    assert.deepEqual(timeoutBudget(fromVsCode), [], 'VS Code never abandons a call on a timer');
    assert.deepEqual(clientTimeoutOf('Visual Studio Code - Insiders/1.108.0'), clientTimeoutOf('code-server/4.139.1'));
    const alsoFromScript = fromSource('bank', [...calls(make, 'transfer', 20, 25_000, 10_000, 'write', 'account:alice', 'Visual Studio Code/1.107.0'), ...calls(make, 'transfer', 1, 10, 10, 'write', 'account:alice', 'batch-script/1.0.0')]);
    assert.deepEqual(timeoutBudget(alsoFromScript).map((finding) => [finding.tool, finding.clientTimeoutMs, finding.clientTimeoutLabel]), [['transfer', 60_000, 'MCP SDK default']]);
  });

  it('checks against the configured client timeout instead, for every caller, and names it', () => {
    const make = new LockEventFactory();
    const history = fromSource('bank', calls(make, 'transfer', 20, 3_000, 2_500, 'write', 'account:alice', 'Visual Studio Code/1.107.0'));
    const configured = { timeoutMs: 10_000, label: 'lockInspector.client.requestTimeoutMs' };
    assert.deepEqual(timeoutBudget(history, configured).map((finding) => [finding.tool, finding.waitP99Ms, finding.holdP99Ms, finding.clientTimeoutMs]), [['transfer', 3_000, 2_500, 10_000]]);
    const [warning] = adviceWarnings(history, { clientTimeout: configured });
    assert.match(warning?.message ?? '', /^Timeout budget: transfer calls wait up to 3 s \(p99\) and hold up to 2\.5 s \(p99\), 55% of the client's 10 s request timeout \(lockInspector\.client\.requestTimeoutMs\)/);
  });
});

describe('parallel-safety hints', () => {
  it('suggests readOnlyHint for a tool that took only read locks, not for one that wrote', () => {
    const make = new LockEventFactory();
    const history = fromSource('bank', [...calls(make, 'get_balance', 5, 0, 5, 'read'), ...calls(make, 'deposit', 5, 0, 5, 'write')]);
    assert.deepEqual(parallelSafetyHints(history).map((hint) => [hint.tool, hint.calls, hint.readLocks]), [['get_balance', 5, 5]]);
    const [warning] = adviceWarnings(history);
    assert.deepEqual([warning?.kind, warning?.advice, warning?.tool], ['advice', 'readOnlyHint', 'get_balance']);
    assert.match(warning?.message ?? '', /get_balance took only read locks \(5 in 5 calls\).*readOnlyHint: true/);
  });

  it('does not suggest it for a read-locking tool that wrote tracked state (a lost update names it)', () => {
    const make = new LockEventFactory();
    const reads = calls(make, 'get_balance', 5, 0, 5, 'read');
    const lostUpdate: SourcedEvent = {
      type: 'lostUpdate',
      seq: 1,
      atMs: 6000,
      chainId: 9,
      owner: { tool: 'get_balance', requestId: 'x' },
      key: 'cache',
      keyKind: 'state',
      read: { atMs: 5990 },
      overwritten: { atMs: 5995, chainId: 8, owner: { tool: 'deposit', requestId: 'y' } },
      staleWrite: { atMs: 6000 },
      sourceId: 'bank',
    };
    assert.deepEqual(parallelSafetyHints([...fromSource('bank', reads), lostUpdate]), []);
  });
});
