/** Splits a byte stream into newline-terminated lines, never buffering more than `maxLineBytes` of one line. */
export class BoundedLineSplitter {
  private pendingChunks: Buffer[] = [];
  private pendingBytes = 0;
  /** True after an oversize line, until its terminating newline arrives. */
  private discarding = false;
  private stopped = false;

  constructor(
    private maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOversize: () => void,
  ) {}

  /** Feeds the next chunk; calls `onLine` for each complete non-blank line and `onOversize` once per line that was too long. */
  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length && !this.stopped) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      if (this.discarding) {
        if (newline === -1) return;
        this.discarding = false;
        start = newline + 1;
        continue;
      }
      if (this.pendingBytes + (end - start) > this.maxLineBytes) {
        this.pendingChunks = [];
        this.pendingBytes = 0;
        this.onOversize();
        if (newline === -1) {
          this.discarding = true;
          return;
        }
        start = newline + 1;
        continue;
      }
      if (newline === -1) {
        this.pendingChunks.push(chunk.subarray(start));
        this.pendingBytes += end - start;
        return;
      }
      const line =
        this.pendingChunks.length === 0
          ? chunk.toString('utf8', start, end)
          : Buffer.concat([...this.pendingChunks, chunk.subarray(start, end)]).toString('utf8');
      this.pendingChunks = [];
      this.pendingBytes = 0;
      start = newline + 1;
      if (line.trim() !== '') this.onLine(line);
    }
  }

  /** Changes the line limit, e.g. once a peer has authenticated. */
  resize(maxLineBytes: number): void {
    this.maxLineBytes = maxLineBytes;
  }

  /** Drops what is buffered and ignores all further input. */
  stop(): void {
    this.stopped = true;
    this.pendingChunks = [];
    this.pendingBytes = 0;
  }
}
