// Waits for lines a child process prints, with a deadline instead of a sleep.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** The lines of `stream`, and a way to wait for the next one matching a pattern. */
export interface LineReader {
  /** Every line so far. */
  readonly lines: readonly string[];
  /** The first line (seen already or still to come) matching `pattern`; rejects after `deadlineMs`. */
  waitFor(pattern: RegExp, deadlineMs?: number): Promise<RegExpMatchArray>;
}

/** Starts reading `stream` line by line. */
export function readLines(stream: Readable): LineReader {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: stream }).on('line', (line) => {
    lines.push(line);
    for (const check of waiters) check();
  });
  return {
    lines,
    waitFor: (pattern, deadlineMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          for (const line of lines) {
            const match = pattern.exec(line);
            if (match === null) continue;
            waiters.delete(check);
            clearTimeout(deadline);
            resolve(match);
            return;
          }
        };
        const deadline = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`No line matching ${pattern} within ${deadlineMs} ms; got:\n${lines.join('\n')}`));
        }, deadlineMs);
        waiters.add(check);
        check();
      }),
  };
}
