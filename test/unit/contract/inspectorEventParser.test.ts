import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { HOT_EVENT_FIELDS, parseHotEvent, parseInspectorEvent } from '../../../extension/contract/inspectorEventParser';
import { inspectorEventSchema, lockOwnerSchema } from '../../../extension/contract/wireSchema';

/** The zod object of every event type, by its `type` literal, found in the schema itself. */
function zodShapesByType(): Map<string, string[]> {
  const shapes = new Map<string, string[]>();
  const visit = (schema: unknown): void => {
    const { options, shape } = schema as { options?: unknown[]; shape?: Record<string, { value?: unknown }> };
    if (options !== undefined) options.forEach(visit);
    else if (shape !== undefined) shapes.set(String(shape['type']?.value), Object.keys(shape));
  };
  visit(inspectorEventSchema);
  return shapes;
}

const owner = fc.record(
  {
    tool: fc.string({ maxLength: 12 }),
    requestId: fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double()),
    sessionId: fc.string({ maxLength: 8 }),
    caller: fc.string({ maxLength: 8 }),
    connectionId: fc.string({ maxLength: 4 }),
    traceId: fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.string({ maxLength: 33 })),
    spanId: fc.stringMatching(/^[0-9a-f]{16}$/),
    taskTtlMs: fc.oneof(fc.nat(), fc.double()),
  },
  { requiredKeys: [] },
);
const count = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constant(2 ** 53));
const finite = fc.oneof(fc.double(), fc.nat());
const mode = fc.constantFrom('read', 'write', 'exclusive');
const onResource = { seq: count, atMs: finite, chainId: count, resource: fc.string({ maxLength: 8 }), mode, owner };
const hotEvent = fc.oneof(
  fc.record({ type: fc.constant('requested'), ...onResource, queueDepth: count }, { requiredKeys: ['type', 'seq', 'atMs', 'chainId', 'resource', 'mode', 'queueDepth'] }),
  fc.record({ type: fc.constant('acquired'), ...onResource, waitedMs: finite }, { requiredKeys: ['type', 'seq', 'atMs', 'chainId', 'resource', 'mode'] }),
  fc.record({ type: fc.constant('released'), ...onResource, heldMs: finite }, { requiredKeys: ['type', 'seq', 'atMs', 'resource', 'mode', 'heldMs'] }),
  fc.record(
    {
      type: fc.constant('callStarted'),
      seq: count,
      atMs: finite,
      owner,
      arguments: fc.dictionary(fc.string({ maxLength: 70 }), fc.string({ maxLength: 20 }), { maxKeys: 18 }),
      annotations: fc.record(
        { readOnlyHint: fc.boolean(), destructiveHint: fc.boolean(), idempotentHint: fc.oneof(fc.boolean(), fc.constant('yes')), openWorldHint: fc.boolean() },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['type', 'seq', 'atMs', 'owner'] },
  ),
  fc.record(
    {
      type: fc.constant('callEnded'),
      seq: count,
      atMs: finite,
      owner,
      durationMs: finite,
      outcome: fc.constantFrom('ok', 'error', 'cancelled', 'lost'),
      errorCode: fc.string({ maxLength: 8 }),
      sharedWrites: fc.record({ count, keys: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }), fc.array(fc.anything(), { maxLength: 3 })) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['type', 'seq', 'atMs', 'owner', 'durationMs', 'outcome'] },
  ),
);
/** Hot events, some broken further: a field set to anything, an extra key, or the whole value replaced. */
const candidate = fc.oneof(
  hotEvent,
  fc.tuple(hotEvent, fc.string({ maxLength: 10 }), fc.anything()).map(([event, key, value]) => ({ ...event, [key]: value })),
  fc.tuple(hotEvent, fc.constantFrom('owner', 'seq', 'type', 'atMs', 'arguments', 'annotations', 'sharedWrites'), fc.anything()).map(([event, key, value]) => ({ ...event, [key]: value })),
  fc.anything(),
);

test('the fast path and zod accept and refuse the same events, with the same result', () => {
  fc.assert(
    fc.property(candidate, (value) => {
      const zod = inspectorEventSchema.safeParse(value);
      assert.deepEqual(parseInspectorEvent(value), zod.success ? zod.data : undefined);
      const hot = parseHotEvent(value);
      if (hot !== undefined) assert.deepEqual(hot, zod.data);
    }),
    { numRuns: 5000 },
  );
});

test('the fast path decides every well-formed hot event, so the events of a tool call never reach zod', () => {
  fc.assert(
    // Except an argument named __proto__, left to zod so that no copy of it can touch a prototype.
    fc.property(hotEvent, (value) => {
      const protoArgument = 'arguments' in value && Object.keys(value.arguments ?? {}).includes('__proto__');
      if (inspectorEventSchema.safeParse(value).success && !protoArgument) assert.notEqual(parseHotEvent(value), undefined);
    }),
    { numRuns: 2000 },
  );
});

test('the fast path knows exactly the fields the zod schema has, for owners and for each hot event', () => {
  const zodShapes = zodShapesByType();
  for (const [type, fields] of Object.entries(HOT_EVENT_FIELDS)) {
    const expected = type === 'owner' ? Object.keys(lockOwnerSchema.shape) : zodShapes.get(type);
    assert.deepEqual([...fields].sort(), [...(expected ?? [])].sort(), type);
  }
});
