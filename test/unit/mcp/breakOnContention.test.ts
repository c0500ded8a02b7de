import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import FakeTimers from '@sinonjs/fake-timers';
import { LockTimeoutError, ResourceLockMap } from '../../../extension/locks';
import { BREAK_ON_ENV, parseBreakOn } from '../../../extension/contract/breakOn';
import { breakOnContention } from '../../../extension/mcp/breakOnContention';
import { gate } from '../../support/lockTestKit';

// A worker attaches V8's real debugger to this (the main) thread, as VS Code's debugger attaches to a debugged
// server, and reports the function names on the stack of every pause, then resumes.
// With async call stacks on (as VS Code's js-debug sets them), it also reports the async caller frames and the names
// of each paused frame's locals.
const DEBUGGER_WORKER = `
const { parentPort } = require('node:worker_threads');
const { Session } = require('node:inspector');
const session = new Session();
session.connectToMainThread();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
session.on('Debugger.paused', async ({ params }) => {
  const asyncFrames = [];
  for (let trace = params.asyncStackTrace; trace; trace = trace.parent) asyncFrames.push(...trace.callFrames.map((frame) => frame.functionName));
  const locals = await Promise.all(params.callFrames.map(async (frame) => {
    const scope = frame.scopeChain.find((each) => each.type === 'local');
    if (!scope) return [];
    const { result } = await post('Runtime.getProperties', { objectId: scope.object.objectId, ownProperties: true });
    return result.map((property) => property.name);
  }));
  parentPort.postMessage({ reason: params.reason, frames: params.callFrames.map((frame) => frame.functionName), asyncFrames, locals });
  session.post('Debugger.resume');
});
// Answered after every report posted before it: the main thread knows then that it has all of them.
parentPort.on('message', (message) => message === 'flush' && parentPort.postMessage('flushed'));
session.post('Debugger.enable', () => session.post('Debugger.setAsyncCallStackDepth', { maxDepth: 32 }, () => parentPort.postMessage('attached')));
`;

/** One pause as the debugger saw it: frame function names top first, async caller frames, and each frame's local names. */
interface Pause {
  readonly reason: string;
  readonly frames: string[];
  readonly asyncFrames: string[];
  readonly locals: string[][];
}

async function withDebugger<T>(work: () => Promise<T>): Promise<{ result: T; pauses: Pause[] }> {
  const worker = new Worker(DEBUGGER_WORKER, { eval: true });
  const pauses: Pause[] = [];
  let flushed: () => void = () => {};
  await new Promise<void>((resolve) =>
    worker.on('message', (message) => {
      if (message === 'attached') resolve();
      else if (message === 'flushed') flushed();
      else pauses.push(message);
    }),
  );
  try {
    const result = await work();
    // The worker posts each report before resuming this thread: its answer to 'flush' comes after all of them.
    await new Promise<void>((resolve) => {
      flushed = resolve;
      worker.postMessage('flush');
    });
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

  it('pauses a timed-out call in its own continuation: the error in scope, the handler as the async caller', { timeout: 20_000 }, async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const locks = new ResourceLockMap({ timeoutMs: 50 });
    const stop = breakOnContention(locks, { [BREAK_ON_ENV]: 'timeout' });
    try {
      const { result, pauses } = await withDebugger(async () => {
        const held = gate();
        const holder = locks.withLock('account:a', () => held.promise, { owner: { tool: 'audit', requestId: 1 } });
        async function transferHandler() {
          try {
            await locks.withLock('account:a', () => 'never', { owner: { tool: 'transfer', requestId: 2 } });
          } catch (error) {
            return error;
          }
        }
        const transfer = transferHandler();
        await clock.tickAsync(50);
        const failure = await transfer;
        held.open();
        await holder;
        return failure;
      });
      assert.ok(result instanceof LockTimeoutError);
      assert.equal(pauses.length, 1, JSON.stringify(pauses));
      const [pause] = pauses as [Pause];
      assert.deepEqual(pause.frames.slice(0, 2), ['pauseOnTimeout', 'rethrowLockFailure'], `not in the lock map's timer: ${pause.frames.join(' < ')}`);
      assert.ok(!pause.frames.includes('onTimeout'), pause.frames.join(' < '));
      assert.ok(pause.locals[0]?.includes('error'), `the error (owner, resource, holders) is in scope: ${pause.locals[0]?.join(', ')}`);
      assert.ok(pause.asyncFrames.includes('transferHandler'), `the handler's await is the async caller: ${pause.asyncFrames.join(' < ')}`);
    } finally {
      stop();
      clock.uninstall();
    }
  });

  it('pauses a long holder in its own code at its next resumption, its locals in scope, not in the watchdog\'s timer', { timeout: 20_000 }, async () => {
    const clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const locks = new ResourceLockMap({ longHoldMs: 100 });
    const stop = breakOnContention(locks, { [BREAK_ON_ENV]: 'longHold' });
    try {
      const { result, pauses } = await withDebugger(async () => {
        const report = locks.withLock('ledger', async function writeLedger() {
          const rows = 3;
          await new Promise((resolve) => setTimeout(resolve, 300));
          const total = rows * 2;
          await Promise.resolve();
          return total;
        });
        await clock.tickAsync(300);
        return report;
      });
      assert.equal(result, 6);
      assert.equal(pauses.length, 1, JSON.stringify(pauses));
      const [pause] = pauses as [Pause];
      assert.equal(pause.frames[0], 'pauseOnLongHold');
      assert.ok(!pause.frames.includes('onTimer'), `not in the watchdog's timer: ${pause.frames.join(' < ')}`);
      const holderFrame = pause.frames.indexOf('writeLedger');
      assert.notEqual(holderFrame, -1, `the holder's own frame is on the paused stack: ${pause.frames.join(' < ')}`);
      assert.ok(pause.locals[holderFrame]?.includes('rows') && pause.locals[holderFrame]?.includes('total'), `its locals: ${pause.locals[holderFrame]?.join(', ')}`);
      assert.ok(pause.locals[0]?.includes('hold'), pause.locals[0]?.join(', '));
    } finally {
      stop();
      clock.uninstall();
    }
  });

  it('subscribes to nothing without the variable', () => {
    const locks = new ResourceLockMap();
    let subscribed = 0;
    breakOnContention({ subscribe: (listener) => (subscribed += 1, locks.subscribe(listener)) }, {});
    assert.equal(subscribed, 0);
  });
});
