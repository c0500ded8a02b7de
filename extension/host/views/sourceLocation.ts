/** A position in a source file as the lock library reports it; line and column count from 1. */
export interface SourceLocation {
  /** A file path (absolute, or relative to a workspace folder) or a `file:` URL. */
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

/** Parses `path:line[:column]` (stack-trace style; Windows drive letters and `file:` URLs included). */
export function parseSourceLocation(location: string): SourceLocation {
  const match = /^(.+?):(\d+)(?::(\d+))?\)?$/.exec(location.trim().replace(/^\(/, ''));
  if (!match || !match[1] || /^[a-z]$/i.test(match[1])) {
    throw new Error(`Cannot open source location "${location}": expected "file:line" or "file:line:column".`);
  }
  return { path: match[1], line: Math.max(1, Number(match[2])), column: Math.max(1, Number(match[3] ?? 1)) };
}
