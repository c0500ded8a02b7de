/** A stream that can say how much it holds unwritten: process.stdout, a socket, a file stream. */
export interface BackpressuredStream {
  readonly writableLength: number;
  write(text: string): boolean;
}

/** Shortest time between two notices that output is being dropped. */
const NOTICE_INTERVAL_MS = 5000;

/**
 * Writes lines to a stream that may not keep up (`watch --json | a reader that stalls`): while more than
 * `maxUnwrittenBytes` wait to be written, lines are dropped and counted instead of piling up in memory, and
 * `notice` hears about it, at most every 5 s.
 */
export class BoundedLineOutput {
  /** Lines dropped so far. */
  dropped = 0;
  #lastNoticeMs = -Infinity;

  constructor(
    private readonly stream: BackpressuredStream,
    private readonly maxUnwrittenBytes: number,
    private readonly notice: (message: string) => void,
  ) {}

  /** Writes the line `render()` makes, unless the stream is too far behind (then `render` is not even called). */
  write(render: () => string): void {
    if (this.stream.writableLength <= this.maxUnwrittenBytes) {
      this.stream.write(render());
      return;
    }
    this.dropped++;
    const nowMs = Date.now();
    if (nowMs - this.#lastNoticeMs < NOTICE_INTERVAL_MS) return;
    this.#lastNoticeMs = nowMs;
    this.notice(
      `stdout is not keeping up (over ${Math.round(this.maxUnwrittenBytes / 1024)} KB unwritten): dropping events until it catches up, ${this.dropped.toLocaleString('en-US')} so far.`,
    );
  }
}
