/** What `lockInspector.breakOn` may name: the contention that pauses a debugged server. */
export const BREAK_ON_KINDS = ['deadlock', 'timeout', 'lostUpdate', 'longHold'] as const;

/** One `lockInspector.breakOn` kind. */
export type BreakOnKind = (typeof BREAK_ON_KINDS)[number];

/** The environment variable that carries the kinds (comma separated) to a debugged server. */
export const BREAK_ON_ENV = 'MCP_LOCK_INSPECTOR_BREAK_ON';

/** The known kinds in a comma-separated list; unknown words are ignored. */
export function parseBreakOn(text: string | undefined): BreakOnKind[] {
  const words = (text ?? '').split(',').map((word) => word.trim());
  return BREAK_ON_KINDS.filter((kind) => words.includes(kind));
}
