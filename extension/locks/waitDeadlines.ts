import type { LockRequest } from './lockRequest';
import { nowMs } from './nowMs';

/** The waiting requests of one timeout, soonest deadline first (they joined in that order), and the timer for them. */
export interface DeadlineQueue {
  readonly timeoutMs: number;
  head: LockRequest | undefined;
  tail: LockRequest | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether nobody waits and the timer, left armed for the next waiter, is unref'd. */
  idle: boolean;
}

/**
 * When the waits of a map time out: one timer per distinct timeout, due at its soonest deadline, instead of one per
 * wait. Arming and clearing a timer for every wait cost about a third of a hand-over; a served waiter leaves the timer
 * armed (when it fires it re-arms for the next deadline), and so does the last one to leave, unref'd: two callers
 * taking turns then arm no timer per wait (1.7x the hand-overs a second on Node 24). A timer keeps the process
 * alive only while someone waits; an idle one fires once, within its timeout, and is gone.
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
      queue = { timeoutMs, head: undefined, tail: undefined, timer: undefined, idle: false };
      this.queues.set(timeoutMs, queue);
    }
    request.deadlineMs = sinceMs + timeoutMs;
    request.deadlineQueue = queue;
    request.deadlinePrev = queue.tail;
    if (queue.tail === undefined) queue.head = request;
    else queue.tail.deadlineNext = request;
    queue.tail = request;
    if (queue.timer === undefined) queue.timer = this.arm(queue, timeoutMs);
    else if (queue.idle) queue.timer.ref();
    queue.idle = false;
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
    if (queue.timer === undefined) {
      this.queues.delete(queue.timeoutMs);
      return;
    }
    queue.idle = true;
    queue.timer.unref();
  }

  private arm(queue: DeadlineQueue, delayMs: number): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.onTimer(queue), delayMs);
  }

  private onTimer(queue: DeadlineQueue): void {
    queue.timer = undefined;
    if (queue.idle) {
      this.queues.delete(queue.timeoutMs);
      return;
    }
    const atMs = nowMs();
    for (let head = queue.head; head !== undefined && head.deadlineMs <= atMs; head = queue.head) {
      this.remove(head);
      this.expire(head);
    }
    if (queue.head === undefined) return;
    // Timers run on the event loop's whole-millisecond clock and may fire a fraction early: re-arm for what is left.
    queue.timer ??= this.arm(queue, Math.max(1, Math.ceil(queue.head.deadlineMs - atMs)));
  }
}
