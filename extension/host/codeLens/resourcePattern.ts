/** Stands for any part of a resource id that is only known at run time. */
export const WILDCARD = '*';

/** True when `resourceId` fits `pattern`, where each `*` stands for any run of characters (`account:*` fits `account:alice`). */
export function matchesResourcePattern(pattern: string, resourceId: string): boolean {
  const literals = pattern.split(WILDCARD);
  if (literals.length === 1) return pattern === resourceId;
  const first = literals[0]!;
  const last = literals.at(-1)!;
  if (resourceId.length < first.length + last.length || !resourceId.startsWith(first) || !resourceId.endsWith(last)) return false;
  let from = first.length;
  const lastStart = resourceId.length - last.length;
  for (const literal of literals.slice(1, -1)) {
    const at = resourceId.indexOf(literal, from);
    if (at < 0 || at + literal.length > lastStart) return false;
    from = at + literal.length;
  }
  return true;
}

/** True when `resourceId` fits any of the patterns. */
export function matchesAnyResourcePattern(patterns: readonly string[], resourceId: string): boolean {
  return patterns.some((pattern) => matchesResourcePattern(pattern, resourceId));
}

/** The longest run of a pattern without wildcards (`account:` of `account:*`): a substring every match contains. */
export function longestLiteralPart(pattern: string): string {
  return pattern.split(WILDCARD).reduce((longest, part) => (part.length > longest.length ? part : longest), '');
}
