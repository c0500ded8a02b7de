import { nowMs } from 'mcp-lock-inspector/locks';

/** One command waiting for its answer, in the order the commands were sent. */
interface Unanswered {
  readonly dueMs: number;
  readonly reject: (error: Error) => void;
  prev: Unanswered | undefined;
  next: Unanswered | undefined;
}

/**
 * Fails a Redis command that goes unanswered for `timeoutMs` (a hung or paused Redis), with one timer for them all.
 * node-redis's own command timeout builds an AbortSignal.timeout and a timer for every command, which cost a tenth of
 * an uncontended lock call (about 18 us of 230 on Node 20); commands of one connection are answered in order, so the
 * oldest is the next due. The timer is unref'd and left armed when nothing is pending: it stops at its next firing.
 */
export class CommandDeadlines {
  private head: Unanswered | undefined = undefined;
  private tail: Unanswered | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(private readonly timeoutMs: number) {}

  /** `pending`, or a rejection once it has gone unanswered for the timeout. */
  within<T>(pending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Unanswered = { dueMs: nowMs() + this.timeoutMs, reject, prev: this.tail, next: undefined };
      if (this.tail === undefined) this.head = entry;
      else this.tail.next = entry;
      this.tail = entry;
      this.timer ??= this.arm(this.timeoutMs);
      pending.then(
        (value) => {
          this.unlink(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.unlink(entry);
          reject(error);
        },
      );
    });
  }

  private unlink(entry: Unanswered): void {
    if (entry.prev === undefined) {
      if (this.head !== entry) return;
      this.head = entry.next;
    } else entry.prev.next = entry.next;
    if (entry.next === undefined) this.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = undefined;
  }

  private arm(delayMs: number): ReturnType<typeof setTimeout> {
    return setTimeout(() => this.expire(), delayMs).unref();
  }

  private expire(): void {
    this.timer = undefined;
    const atMs = nowMs();
    for (let head = this.head; head !== undefined && head.dueMs <= atMs; head = this.head) {
      this.unlink(head);
      head.reject(new Error(`Redis did not answer within ${this.timeoutMs} ms (is it paused, or overloaded?)`));
    }
    // Timers run on the event loop's whole-millisecond clock and may fire a fraction early: re-arm for what is left.
    if (this.head !== undefined) this.timer = this.arm(Math.max(1, Math.ceil(this.head.dueMs - atMs)));
  }
}
