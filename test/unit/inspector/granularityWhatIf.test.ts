import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { argumentFingerprints } from '../../../extension/contract/argumentFingerprints';
import type { SourcedEvent } from '../../../extension/contract/inspectorSnapshot';
import { CHANNEL_ENV, type InspectorEvent } from '../../../extension/contract/wireFormat';
import { inspectorEventSchema } from '../../../extension/contract/wireSchema';
import { adviceWarnings } from '../../../extension/inspector/advice/adviceWarnings';
import { granularityWhatIf } from '../../../extension/inspector/advice/granularityWhatIf';
import { readRecording, RECORDING_FORMAT, RECORDING_VERSION, writeRecording } from '../../../extension/inspector/recording';
import { InspectorHub } from '../../../extension/inspector/inspectorHub';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { InspectorReporter } from '../../../extension/mcp/inspectorReporter';
import { startDemoHarness } from '../demoServer/demoHarness';
import { fromSource, LockEventFactory } from '../../support/lockEvents';

/** `count` calls of `tool`, all arriving at `atMs`, each holding `resource` for `heldMs` in arrival order (a coarse FIFO). */
function coarseCalls(count: number, accountOf: (index: number) => string, heldMs = 10, resource = 'db'): SourcedEvent[] {
  const make = new LockEventFactory();
  const events: InspectorEvent[] = [];
  for (let index = 0; index < count; index += 1) {
    const owner = { tool: 'deposit', requestId: index + 1 };
    const startMs = index * heldMs;
    events.push({ ...(make.callStarted(owner, 0) as Extract<InspectorEvent, { type: 'callStarted' }>), arguments: argumentFingerprints({ account: accountOf(index), amount: 5 }) });
    events.push(make.requested(resource, index + 1, 0, owner, 'write', index));
    events.push(make.acquired(resource, index + 1, startMs, startMs, owner));
    events.push(make.released(resource, index + 1, startMs + heldMs, heldMs, owner));
    events.push(make.callEnded(owner, startMs + heldMs + 1, startMs + heldMs + 1));
  }
  return fromSource('bank', events.sort((a, b) => a.atMs - b.atMs));
}

describe('granularity what-if', () => {
  it('finds a coarse lock taken by calls on different keys and re-simulates them with one id per key', () => {
    const [finding] = granularityWhatIf(coarseCalls(20, (index) => `account-${index % 10}`));
    assert.ok(finding, 'the coarse lock is found');
    assert.deepEqual([finding.resource, finding.calls, finding.distinctKeys, finding.keyArguments, finding.tools], ['db', 20, 10, ['account'], ['deposit']]);
    assert.equal(finding.recordedMakespanMs, 201);
    // Ten accounts, two calls each: the second waits for the first, 10 ms, and ends at 20 ms + its 1 ms tail.
    assert.equal(finding.finerMakespanMs, 21);
    assert.deepEqual([finding.recordedWaitP95Ms, finding.finerWaitP95Ms], [180, 10]);
    assert.ok(finding.waitShare > 0.85 && finding.waitShare < 0.95, String(finding.waitShare));
  });

  it('says nothing when every call takes the lock for the same key, or the calls reported no arguments', () => {
    assert.deepEqual(granularityWhatIf(coarseCalls(20, () => 'alice')), []);
    const withoutArguments = coarseCalls(20, (index) => `account-${index}`).map((event) => (event.type === 'callStarted' ? { ...event, arguments: undefined } : event));
    assert.deepEqual(granularityWhatIf(withoutArguments), []);
  });

  it('says nothing when finer ids would not help: every call also takes the one key they all share', () => {
    // Transfers from alice to ten other accounts, locked on alice's account: per-argument ids still queue on alice.
    let call = 0;
    const fromAlice = coarseCalls(20, (index) => `account-${index % 10}`, 10, 'account:alice').map((event) =>
      event.type === 'callStarted' ? { ...event, arguments: argumentFingerprints({ from: 'alice', to: `account-${call++ % 10}`, amount: 1 }) } : event,
    );
    assert.deepEqual(granularityWhatIf(fromAlice), []);
    assert.equal(granularityWhatIf(fromAlice, { minGain: 0 }).length, 1, 'found, but its estimated gain is none');
  });

  it('says nothing about a lock nobody waited for', () => {
    const make = new LockEventFactory();
    const events: InspectorEvent[] = [];
    for (let index = 0; index < 20; index += 1) {
      const owner = { tool: 'deposit', requestId: index + 1 };
      events.push({ ...(make.callStarted(owner, index * 20) as Extract<InspectorEvent, { type: 'callStarted' }>), arguments: argumentFingerprints({ account: `a${index}` }) });
      events.push(...make.call('db', index + 1, index * 20, 10, owner), make.callEnded(owner, index * 20 + 11, 11));
    }
    assert.deepEqual(granularityWhatIf(fromSource('bank', events)), []);
  });

  it('fingerprints arguments by type and hash, never their values, and the channel accepts them', () => {
    const fingerprints = argumentFingerprints({ account: 'alice', amount: 5, note: { a: 1 } });
    assert.deepEqual(Object.keys(fingerprints ?? {}), ['account', 'amount', 'note']);
    assert.match(fingerprints?.account ?? '', /^s:[0-9a-f]{8}$/);
    assert.match(fingerprints?.amount ?? '', /^n:[0-9a-f]{8}$/);
    assert.notEqual(argumentFingerprints({ account: 'bob' })?.account, fingerprints?.account);
    assert.ok(!JSON.stringify(fingerprints).includes('alice'));
    assert.equal(argumentFingerprints(undefined), undefined);
    const event = { type: 'callStarted', seq: 1, atMs: 1, owner: { tool: 'deposit' }, arguments: fingerprints };
    assert.deepEqual(inspectorEventSchema.parse(event), event);
  });

  // The estimate against a real rerun: the bank demo server with one 'db' lock, then the same calls with per-account locks.
  it('estimates the per-account rerun of the demo server within 25%', { timeout: 60_000 }, async () => {
    const accounts = Array.from({ length: 30 }, (_, index) => `acct${index}`);
    // A fixed, seeded workload: every call fired at once, so both runs see the same arrivals.
    let seed = 7;
    const random = (below: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % below);
    const workload = Array.from({ length: 40 }, (_, index) => {
      const from = accounts[random(accounts.length)] as string;
      let to = accounts[random(accounts.length)] as string;
      if (to === from) to = accounts[(accounts.indexOf(from) + 1) % accounts.length] as string;
      return index % 3 === 0 ? { name: 'deposit', arguments: { account: from, amount: 1 } } : { name: 'transfer', arguments: { from, to, amount: 1 } };
    });
    const run = async (lockIdOf: ((resource: string) => string) | undefined) => {
      const model = new InspectorModel();
      const hub = await InspectorHub.listen({ model });
      const env = hub.envFor('bank', 'launched');
      const harness = await startDemoHarness({
        latencyMs: 8,
        lockIdOf,
        reporter: (locks) => new InspectorReporter(locks, { address: env[CHANNEL_ENV.address] as string, token: env[CHANNEL_ENV.token] as string, label: 'bank', flushDelayMs: 1 }),
      });
      try {
        for (const account of accounts) await harness.call('deposit', { account, amount: 100 });
        const ended = () => model.history().filter((event) => event.type === 'callEnded').length;
        while (ended() < accounts.length) await new Promise((resolve) => setImmediate(resolve));
        model.clear();
        await Promise.all(workload.map((call) => harness.call(call.name, call.arguments)));
        while (ended() < workload.length) await new Promise((resolve) => setImmediate(resolve));
        const history = model.history();
        const starts = history.filter((event) => event.type === 'callStarted').map((event) => event.atMs);
        const ends = history.filter((event) => event.type === 'callEnded').map((event) => event.atMs);
        return { history, makespanMs: Math.max(...ends) - Math.min(...starts) };
      } finally {
        await harness.close();
        await hub.dispose();
      }
    };
    const coarse = await run(() => 'db');
    // The advice reads the same from the session saved and reopened as a recording.
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'what-if-')), 'coarse.lockrec');
    await writeRecording(file, { header: { format: RECORDING_FORMAT, version: RECORDING_VERSION, type: 'header', recordedAtMs: Date.now(), eventsEvictedBefore: 0, generator: 'test' }, sources: [], events: coarse.history });
    const advice = adviceWarnings((await readRecording(file)).events).find((warning) => warning.advice === 'granularity');
    assert.match(advice?.message ?? '', /^Coarse lock: calls waited \d+% of their time on 'db', taken by 40 calls on \d+ different keys; with per-account\/from\/to ids/);
    await rm(path.dirname(file), { recursive: true, force: true });
    const [finding] = granularityWhatIf(coarse.history);
    assert.ok(finding, 'the db lock is found');
    assert.deepEqual([finding.resource, finding.keyArguments], ['db', ['account', 'from', 'to']]);
    const fine = await run(undefined);
    const error = Math.abs(finding.finerMakespanMs - fine.makespanMs) / fine.makespanMs;
    console.log(
      `what-if: coarse ${coarse.makespanMs.toFixed(0)} ms recorded; per-account estimate ${finding.finerMakespanMs.toFixed(0)} ms, ` +
        `real per-account rerun ${fine.makespanMs.toFixed(0)} ms (${(error * 100).toFixed(1)}% off); wait p95 ${finding.recordedWaitP95Ms.toFixed(0)} -> ${finding.finerWaitP95Ms.toFixed(0)} ms`,
    );
    assert.ok(coarse.makespanMs > 2 * fine.makespanMs, 'the finer locks really are faster, so the estimate has something to get right');
    assert.ok(error <= 0.25, `estimate ${finding.finerMakespanMs} ms vs real ${fine.makespanMs} ms`);
  });
});
