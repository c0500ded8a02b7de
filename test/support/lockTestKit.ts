// Shared helpers of the lock library tests: a fake clock, manual gates, and promise state probes.
import { afterEach, beforeEach } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import { ProcessWarnings } from './processWarnings';
import type { LockEvent, ResourceLockMap } from '../../extension/locks';

/** Installs fake timers (timeouts, Date, performance) for one test; `uninstall` in afterEach. */
export function installClock(): FakeTimers.Clock {
  return FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date', 'performance'] });
}

/** Around each test of the calling `describe`: a fake clock installed (read `clock` inside tests) and process warnings collected. */
export function useClockAndWarnings(): { readonly clock: FakeTimers.Clock; readonly warnings: ProcessWarnings } {
  let clock: FakeTimers.Clock | undefined;
  const warnings = new ProcessWarnings();
  beforeEach(() => {
    clock = installClock();
    warnings.start();
  });
  afterEach(() => {
    warnings.stop();
    clock?.uninstall();
  });
  return {
    get clock() {
      if (!clock) throw new Error('the fake clock is installed only while a test runs');
      return clock;
    },
    warnings,
  };
}

/** A promise the test resolves or rejects by hand, e.g. to decide when a holder lets go. */
export interface Gate<T = void> {
  readonly promise: Promise<T>;
  readonly open: (value: T) => void;
  readonly fail: (error: unknown) => void;
}

/** A new closed gate. */
export function gate<T = void>(): Gate<T> {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Live view of a promise's state, readable synchronously. */
export interface Probe<T> {
  readonly promise: Promise<T>;
  readonly state: () => 'pending' | 'fulfilled' | 'rejected';
  readonly value: () => T | undefined;
  readonly error: () => unknown;
}

/** Tracks `promise` without leaving its rejection unhandled. */
export function probe<T>(promise: Promise<T>): Probe<T> {
  let state: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  let value: T | undefined;
  let error: unknown;
  promise.then(
    (result) => {
      state = 'fulfilled';
      value = result;
    },
    (reason: unknown) => {
      state = 'rejected';
      error = reason;
    },
  );
  return { promise, state: () => state, value: () => value, error: () => error };
}

/** Records every event of `locks`. */
export function recordEvents(locks: Pick<ResourceLockMap, 'subscribe'>): LockEvent[] {
  const events: LockEvent[] = [];
  locks.subscribe((event) => events.push(event));
  return events;
}

/** The events of one type, typed. */
export function eventsOfType<Type extends LockEvent['type']>(events: readonly LockEvent[], type: Type): Extract<LockEvent, { type: Type }>[] {
  return events.filter((event): event is Extract<LockEvent, { type: Type }> => event.type === type);
}
