// Tool-call arguments travel to the inspector only as fingerprints: enough to tell calls on different keys apart
// (transfers between different accounts), never the values themselves.

/** Each top-level argument's name to `<type>:<hash>` of its value (`s` string, `n` number, `b` boolean, `o` anything else). */
export type ArgumentFingerprints = Readonly<Record<string, string>>;

/** Most arguments fingerprinted per call; a call with more keeps the first ones. */
export const MAX_FINGERPRINTED_ARGUMENTS = 16;

/** The fingerprints of a tool call's arguments, or undefined when it has none (or they are not an object). */
export function argumentFingerprints(toolArguments: unknown): ArgumentFingerprints | undefined {
  if (toolArguments === null || typeof toolArguments !== 'object' || Array.isArray(toolArguments)) return undefined;
  const fingerprints: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of Object.entries(toolArguments)) {
    if (count++ >= MAX_FINGERPRINTED_ARGUMENTS) break;
    fingerprints[name.slice(0, 64)] = `${typeLetter(value)}:${fnv1a(typeof value === 'string' ? value : safeJson(value))}`;
  }
  return count === 0 ? undefined : fingerprints;
}

/** Whether a fingerprint names a string argument: the kind that names keys (an account, a file), unlike amounts. */
export function isKeyFingerprint(fingerprint: string): boolean {
  return fingerprint.startsWith('s:');
}

function typeLetter(value: unknown): string {
  if (typeof value === 'string') return 's';
  if (typeof value === 'number') return 'n';
  if (typeof value === 'boolean') return 'b';
  return 'o';
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '?';
  }
}

// 32-bit FNV-1a: cheap on the hot path of every reported call; collisions only merge two keys in an estimate.
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
