import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { ResourceLockMap } from '../../../extension/locks';
import { BREAK_ON_ENV, parseBreakOn } from '../../../extension/contract/breakOn';
import { breakOnContention } from '../../../extension/mcp/breakOnContention';

// A worker attaches V8's real debugger to this (the main) thread, as VS Code's debugger attaches to a debugged
// server, and reports the function names on the stack of every pause, then resumes.
const DEBUGGER_WORKER = `
const { parentPort } = require('node:worker_threads');
const { Session } = require('node:inspector');
const session = new Session();
session.connectToMainThread();
session.on('Debugger.paused', ({ params }) => {
  parentPort.postMessage({ reason: params.reason, frames: params.callFrames.map((frame) => frame.functionName) });
  session.post('Debugger.resume');
});
// An inspector session does not keep a worker alive; the test terminates it.
setInterval(() => {}, 60_000);
session.post('Debugger.enable', () => parentPort.postMessage('attached'));
`;

async function withDebugger<T>(work: () => Promise<T>): Promise<{ result: T; pauses: { reason: string; frames: string[] }[] }> {
  const worker = new Worker(DEBUGGER_WORKER, { eval: true });
  const pauses: { reason: string; frames: string[] }[] = [];
  await new Promise<void>((resolve) => worker.on('message', (message) => (message === 'attached' ? resolve() : pauses.push(message))));
  try {
    const result = await work();
    // The worker's report of the last pause crosses threads after the resume.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { result, pauses };
  } finally {
    await worker.terminate();
  }
}

describe('break on contention (lockInspector.breakOn)', () => {
  it('reads only the kinds it knows from the environment', () => {
    assert.deepEqual(parseBreakOn('deadlock, longHold,bogus'), ['deadlock', 'longHold']);
    assert.deepEqual(parseBreakOn(undefined), []);
  });

  it('pauses the debugger in the stack of the call whose lock request closed a deadlock, and only for the kinds asked', { timeout: 20_000 }, async () => {
    const locks = new ResourceLockMap({ timeoutMs: 2000 });
    const stop = breakOnContention(locks, { [BREAK_ON_ENV]: 'deadlock' });
    const { pauses } = await withDebugger(async () => {
      let firstHasA!: () => void;
      const aHeld = new Promise<void>((resolve) => (firstHasA = resolve));
      async function chargeFeeHandler() {
        await locks.withLock('account:a', async function chargeFeeUnderA() {
          firstHasA();
          await new Promise((resolve) => setTimeout(resolve, 20));
          await locks.withLock('account:fees', async () => {});
        });
      }
      async function refundFeeHandler() {
        await locks.withLock('account:fees', async function refundFeeUnderFees() {
          await aHeld;
          await locks.withLock('account:a', async () => {});
        });
      }
      return Promise.allSettled([chargeFeeHandler(), refundFeeHandler()]);
    });
    stop();
    assert.equal(pauses.length, 1, JSON.stringify(pauses));
    const [pause] = pauses;
    assert.equal(pause?.reason, 'other', 'a debugger statement, not an exception');
    assert.equal(pause?.frames[0], 'pauseOn');
    // The frame under the lock map's is the handler code that asked for the lock and closed the cycle.
    const underWithLock = pause?.frames[(pause?.frames.indexOf('withLock') ?? -2) + 1];
    assert.ok(underWithLock === 'chargeFeeUnderA' || underWithLock === 'refundFeeUnderFees', `the failing call's code is on the paused stack: ${pause?.frames.join(' < ')}`);
  });

  it('subscribes to nothing without the variable', () => {
    const locks = new ResourceLockMap();
    let subscribed = 0;
    breakOnContention({ subscribe: (listener) => (subscribed += 1, locks.subscribe(listener)) }, {});
    assert.equal(subscribed, 0);
  });
});
