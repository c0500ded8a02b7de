import type { LockRequest } from './lockRequest';
import { nowMs } from './nowMs';

/** The waiting requests of one timeout, soonest deadline first (they joined in that order), and the timer for them. */
export interface DeadlineQueue {
  readonly timeoutMs: number;
  head: LockRequest | undefined;
  tail: LockRequest | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * When the waits of a map time out: one timer per distinct timeout, due at its soonest deadline, instead of one per
 * wait. Arming and clearing a timer for every wait cost about a third of a hand-over; with several waiters in line
 * a served one leaves the timer armed (when it fires it re-arms for the next deadline). Timers exist only while
 * someone waits: the last waiter of a timeout to leave clears its timer.
 */
export class WaitDeadlines {
  private readonly queues = new Map<number, DeadlineQueue>();

  constructor(private readonly expire: (request: LockRequest) => void) {}

  /** Starts the clock of a request's whole wait: it expires `timeoutMs` after `sinceMs` unless removed before. */
  add(request: LockRequest, sinceMs: number): void {
    const timeoutMs = request.timeoutMs;
    if (timeoutMs === Infinity) return;
    let queue = this.queues.get(timeoutMs);
    if (queue === undefined) {
      queue = { timeoutMs, head: undefined, tail: undefined, timer: undefined };
      this.queues.set(timeoutMs, queue);
    }
    request.deadlineMs = sinceMs + timeoutMs;
    request.deadlineQueue = queue;
    request.deadlinePrev = queue.tail;
    if (queue.tail === undefined) queue.head = request;
    else queue.tail.deadlineNext = request;
    queue.tail = request;
    queue.timer ??= this.arm(queue, timeoutMs);
  }

  /** Stops the clock of a request that no longer waits. */
  remove(request: LockRequest): void {
    const queue = request.deadlineQueue;
    if (queue === undefined) return;
    if (request.deadlinePrev === undefined) queue.head = request.deadlineNext;
    else request.deadlinePrev.deadlineNext = request.deadlineNext;
    if (request.deadlineNext === undefined) queue.tail = request.deadlinePrev;
    else request.deadlineNext.deadlinePrev = request.deadlinePrev;
    request.deadlineQueue = undefined;
    request.deadlinePrev = undefined;
    request.deadlineNext = undefined;
    if (queue.head !== undefined) return;
    clearTimeout(queue.timer);
    this.queues.delete(queue.timeoutMs);
  }

  private arm(queue: DeadlineQueue, delayMs: number): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.onTimer(queue), delayMs);
  }

  private onTimer(queue: DeadlineQueue): void {
    queue.timer = undefined;
    const atMs = nowMs();
    for (let head = queue.head; head !== undefined && head.deadlineMs <= atMs; head = queue.head) {
      this.remove(head);
      this.expire(head);
    }
    if (queue.head === undefined) return;
    // Timers run on the event loop's whole-millisecond clock and may fire a fraction early: re-arm for what is left.
    queue.timer = this.arm(queue, Math.max(1, Math.ceil(queue.head.deadlineMs - atMs)));
  }
}
