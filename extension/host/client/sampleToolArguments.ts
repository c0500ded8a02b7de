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

/** Arguments to start editing from: every required property with its default, example, first enum value or a typed placeholder. */
export function sampleToolArguments(inputSchema: unknown): Record<string, unknown> {
  const schema = (inputSchema ?? {}) as JsonSchema;
  const sample: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    sample[name] = sampleValue(schema.properties?.[name] ?? {});
  }
  return sample;
}

function sampleValue(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return 'a';
    case 'number':
    case 'integer':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return sampleToolArguments(schema);
    default:
      return null;
  }
}
