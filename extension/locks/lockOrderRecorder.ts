import { CallSiteBudget, callSiteLocation, captureCallSite, type CapturedCallSite } from './callSite';
import type { LockFrame } from './lockContext';
import type { LockOrderSite } from '../contract/lockEvents';
import type { LockEventPublisher } from './lockEventPublisher';
import { LockOrderGraph } from './lockOrderGraph';
import { LockCall } from './lockCall';
import { nowMs } from './nowMs';

// Each capture costs microseconds and pins a stack frame; beyond this many new pairs a second, pairs get no location.
const CALL_SITES_PER_SECOND = 200;

/** Watches the order in which call chains take resources and publishes an `inversion` when two orders disagree; every lock backend uses it. */
export class LockOrderRecorder {
  private readonly orderGraph: LockOrderGraph<RecordedOrder>;
  private readonly callSiteBudget = new CallSiteBudget(CALL_SITES_PER_SECOND);

  constructor(
    maxOrderPairs: number,
    private readonly events: LockEventPublisher,
  ) {
    this.orderGraph = new LockOrderGraph<RecordedOrder>(maxOrderPairs);
  }

  /** Remembers in which order `request` (of any backend) takes resources after those its chain holds; `api` is the public method called, for the call site. */
  record(request: LockCall, api: (...args: never[]) => unknown): void {
    const held: string[] = [];
    for (let frame: LockFrame | undefined = request.parent; frame !== undefined; frame = frame.parent) {
      if (frame instanceof LockCall) held.push(...frame.resources);
    }
    // One resource under no other lock (a tool call's usual withLock inside its context) forms no pair.
    if (held.length === 0 && request.resources.length === 1) return;
    let callSite: CapturedCallSite | null | undefined;
    let atMs: number | undefined;
    for (const second of request.resources) {
      for (const first of held) {
        // The usual withLocks in a loop repeats the last pair: known, nothing to build.
        if (first === second || this.orderGraph.isLastSeen(first, second)) continue;
        const seenMs = (atMs ??= nowMs());
        let later: RecordedOrder | undefined;
        const earlier = this.orderGraph.record(first, second, () => {
          if (callSite === undefined) callSite = this.callSiteBudget.take(seenMs) ? captureCallSite(api) : null;
          later = { first, second, chainId: request.chain.id, owner: request.owner, atMs: seenMs, callSite };
          return later;
        });
        if (earlier !== undefined && later !== undefined) this.events.inversion(request, seenMs, orderSite(earlier), orderSite(later));
      }
      held.push(second);
    }
  }
}

/** An ordered pair as the order graph keeps it: the call site stays unformatted until an inversion is reported. */
interface RecordedOrder extends Omit<LockOrderSite, 'location'> {
  /** Null when the capture budget was spent. */
  readonly callSite: CapturedCallSite | null;
}

function orderSite({ callSite, ...site }: RecordedOrder): LockOrderSite {
  return { ...site, location: callSite === null ? undefined : callSiteLocation(callSite) };
}
