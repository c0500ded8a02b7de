import type { LockRequest } from './lockRequest';

/** The requests waiting under one signal, and the one listener that cancels them all. */
interface WaitersOfSignal {
  readonly requests: Set<LockRequest>;
  readonly onAbort: () => void;
}

/**
 * The waiting requests of a map by AbortSignal, behind one abort listener per signal: a tool call's signal may be
 * shared by any number of waiters, and one listener each made Node warn (MaxListenersExceededWarning) past ten.
 * A signal's listener comes with its first waiter and goes with its last.
 */
export class AbortSignalWaiters {
  private readonly bySignal = new Map<AbortSignal, WaitersOfSignal>();

  constructor(private readonly cancel: (request: LockRequest) => void) {}

  /** Registers a request that starts waiting, under each of its signals. */
  add(request: LockRequest): void {
    const signals = request.signals;
    if (signals === undefined) return;
    for (const signal of signals) {
      let waiters = this.bySignal.get(signal);
      if (waiters === undefined) {
        const requests = new Set<LockRequest>();
        const onAbort = (): void => {
          // A copy: each cancellation unregisters its request and may serve or cancel others.
          for (const waiter of [...requests]) this.cancel(waiter);
        };
        waiters = { requests, onAbort };
        this.bySignal.set(signal, waiters);
        signal.addEventListener('abort', onAbort);
      }
      waiters.requests.add(request);
    }
  }

  /** Unregisters a request that stopped waiting. */
  remove(request: LockRequest): void {
    const signals = request.signals;
    if (signals === undefined) return;
    for (const signal of signals) {
      const waiters = this.bySignal.get(signal);
      if (waiters === undefined || !waiters.requests.delete(request) || waiters.requests.size !== 0) continue;
      signal.removeEventListener('abort', waiters.onAbort);
      this.bySignal.delete(signal);
    }
  }
}
