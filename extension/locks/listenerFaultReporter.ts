import { nowMs } from './nowMs';
import type { LockEventType } from '../contract/lockEvents';
import type { LockListener } from './lockEventPublisher';

// Shortest time between two warnings about the same listener: enough to notice, too rare to flood a log.
const LISTENER_FAULT_SUMMARY_MS = 10_000;

/** What is known about one listener that threw. */
interface ListenerFault {
  /** Throws since the last warning, not reported yet. */
  unreported: number;
  lastEventType: LockEventType;
  lastThrown: unknown;
  lastWarningMs: number;
  summaryTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Turns throws of lock event listeners into process warnings: the first throw of each listener at once, later
 * ones as one count at most every 10 s, so a listener that throws on every event cannot
 * flood the log. Reporting never throws, whatever the listener threw.
 */
export class ListenerFaultReporter {
  private readonly faults = new Map<LockListener, ListenerFault>();

  /** Reports that `listener` threw `thrown` on an event of type `eventType`. */
  report(listener: LockListener, eventType: LockEventType, thrown: unknown): void {
    const fault = this.faults.get(listener);
    if (fault === undefined) {
      this.faults.set(listener, { unreported: 0, lastEventType: eventType, lastThrown: undefined, lastWarningMs: nowMs(), summaryTimer: undefined });
      warn(
        `A lock event listener threw on a '${eventType}' event: ${describeThrown(thrown)}. Later throws of this listener ` +
          `are counted and reported at most every ${LISTENER_FAULT_SUMMARY_MS / 1000} s; the locks are not affected.`,
      );
      return;
    }
    fault.unreported++;
    fault.lastEventType = eventType;
    fault.lastThrown = thrown;
    if (fault.summaryTimer !== undefined) return;
    const timer = setTimeout(() => summarize(fault), Math.max(0, fault.lastWarningMs + LISTENER_FAULT_SUMMARY_MS - nowMs()));
    // A pending count must never keep a process alive.
    timer.unref?.();
    fault.summaryTimer = timer;
  }

  /** Forgets an unsubscribed listener; a count already pending is still reported. */
  forget(listener: LockListener): void {
    this.faults.delete(listener);
  }
}

function summarize(fault: ListenerFault): void {
  const atMs = nowMs();
  warn(
    `A lock event listener threw ${fault.unreported} more time${fault.unreported === 1 ? '' : 's'} in the last ${Math.round((atMs - fault.lastWarningMs) / 1000)} s, ` +
      `last on a '${fault.lastEventType}' event: ${describeThrown(fault.lastThrown)}.`,
  );
  fault.unreported = 0;
  // Not kept until the next throw: it may pin a large object graph.
  fault.lastThrown = undefined;
  fault.lastWarningMs = atMs;
  fault.summaryTimer = undefined;
}

function warn(message: string): void {
  process.emitWarning(message, 'LockListenerWarning');
}

// A listener may throw anything, including values whose conversion to a string throws in turn.
function describeThrown(thrown: unknown): string {
  try {
    return String(thrown);
  } catch {
    return 'a value String() cannot print';
  }
}
