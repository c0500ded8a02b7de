/** A JSON Schema as tools/list reports a tool's inputSchema; only what a sample needs. */
interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly default?: unknown;
  readonly examples?: readonly unknown[];
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
}

/**
 * Names a sample gives string arguments without examples, in order: the accounts the bundled demo opens, so a
 * proposal works there; two string fields (`from`, `to`) get two different names.
 */
export const SAMPLE_STRINGS: readonly string[] = ['alice', 'bob', 'carol', 'dave'];

/**
 * Arguments to start editing from: every required property with its default, an example (for strings one not
 * yet used by another property), its first enum value or a typed placeholder.
 */
export function sampleToolArguments(inputSchema: unknown): Record<string, unknown> {
  return sampleObject((inputSchema ?? {}) as JsonSchema, new Set());
}

function sampleObject(schema: JsonSchema, stringsUsed: Set<unknown>): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    sample[name] = sampleValue(schema.properties?.[name] ?? {}, stringsUsed);
  }
  return sample;
}

function sampleValue(schema: JsonSchema, stringsUsed: Set<unknown>): unknown {
  if (schema.default !== undefined) return schema.default;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.examples?.length) return type === 'string' ? unusedString(schema.examples, stringsUsed) : schema.examples[0];
  if (schema.enum?.length) return schema.enum[0];
  switch (type) {
    case 'string':
      return unusedString(SAMPLE_STRINGS, stringsUsed);
    case 'number':
    case 'integer':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return sampleObject(schema, stringsUsed);
    default:
      return null;
  }
}

function unusedString(candidates: readonly unknown[], stringsUsed: Set<unknown>): unknown {
  const value = candidates.find((candidate) => !stringsUsed.has(candidate)) ?? candidates[0];
  stringsUsed.add(value);
  return value;
}
