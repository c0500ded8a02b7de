import { MAX_FINGERPRINTED_ARGUMENTS } from './argumentFingerprints';
import { inspectorEventSchema } from './wireSchema';
import { MAX_SHARED_WRITE_KEYS, type InspectorEvent } from './wireFormat';

/** A field of a hot shape: its check returns the value to keep, or DECLINED when the fast path leaves the value to zod. */
interface Field {
  readonly required: boolean;
  readonly check: (value: unknown) => unknown;
}

/** The fields of one hot shape, by name (any other key makes the fast path decline), and how many are required. */
interface Shape {
  readonly fields: ReadonlyMap<string, Field>;
  readonly required: number;
}

const DECLINED = Symbol('declined');

const MAX_TEXT = 4096;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

// What JSON.parse makes: arrays, class instances and the like are zod's to judge.
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value));
const keep = (test: (value: unknown) => boolean) => (value: unknown) => (test(value) ? value : DECLINED);
const isText = (value: unknown): boolean => typeof value === 'string' && value.length <= MAX_TEXT;
const isFinite = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
const isCount = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
const text = keep(isText);
const finite = keep(isFinite);
const count = keep(isCount);
const literal = (expected: string) => keep((value) => value === expected);
const oneOf = (...allowed: string[]) => keep((value) => allowed.includes(value as string));

function shape(required: Record<string, Field['check']>, optional: Record<string, Field['check']> = {}): Shape {
  const fields = new Map<string, Field>();
  for (const [name, check] of Object.entries(required)) fields.set(name, { required: true, check });
  for (const [name, check] of Object.entries(optional)) fields.set(name, { required: false, check });
  return { fields, required: Object.keys(required).length };
}

/** `value` when it is a plain object whose keys all belong to `fields` with values they accept, as a copy; else DECLINED. */
function copyShape(value: unknown, { fields, required: requiredFields }: Shape): Record<string, unknown> | typeof DECLINED {
  if (!isPlainObject(value)) return DECLINED;
  const copy: Record<string, unknown> = {};
  let required = 0;
  for (const key of Object.keys(value)) {
    const field = fields.get(key);
    if (field === undefined) return DECLINED;
    const checked = field.check(value[key]);
    if (checked === DECLINED) return DECLINED;
    copy[key] = checked;
    if (field.required) required++;
  }
  return required === requiredFields ? copy : DECLINED;
}

const ownerShape = shape(
  {},
  {
    tool: text,
    requestId: keep((value) => isText(value) || isFinite(value)),
    sessionId: text,
    label: text,
    replica: text,
    caller: text,
    connectionId: text,
    traceId: keep((value) => typeof value === 'string' && TRACE_ID.test(value)),
    spanId: keep((value) => typeof value === 'string' && SPAN_ID.test(value)),
    taskId: text,
    taskTtlMs: keep((value) => isFinite(value) && (value as number) >= 0),
  },
);
const owner = (value: unknown) => copyShape(value, ownerShape);

function argumentFingerprints(value: unknown): unknown {
  if (!isPlainObject(value)) return DECLINED;
  const keys = Object.keys(value);
  if (keys.length > MAX_FINGERPRINTED_ARGUMENTS) return DECLINED;
  const copy: Record<string, string> = {};
  for (const key of keys) {
    const fingerprint = value[key];
    if (key.length > 64 || typeof fingerprint !== 'string' || fingerprint.length > 16 || key === '__proto__') return DECLINED;
    copy[key] = fingerprint;
  }
  return copy;
}

const annotationsShape = shape(
  {},
  Object.fromEntries(['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'].map((hint) => [hint, keep((value) => typeof value === 'boolean')])),
);
const annotations = (value: unknown) => copyShape(value, annotationsShape);

function sharedWriteKeys(value: unknown): unknown {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype || value.length > MAX_SHARED_WRITE_KEYS) return DECLINED;
  // Indexed, not `every`: a hole in a sparse array is a missing key to zod.
  for (let index = 0; index < value.length; index++) if (!isText(value[index])) return DECLINED;
  return [...value];
}
const sharedWritesShape = shape({ count, keys: sharedWriteKeys });
const sharedWrites = (value: unknown) => copyShape(value, sharedWritesShape);

const onResource = { seq: count, atMs: finite, chainId: count, resource: text, mode: oneOf('read', 'write') };

// The events every tool call reports (its boundaries and one uncontended lock); the rarer ones go to zod directly.
const HOT_SHAPES: ReadonlyMap<string, Shape> = new Map([
  ['requested', shape({ ...onResource, type: literal('requested'), queueDepth: count }, { owner })],
  ['acquired', shape({ ...onResource, type: literal('acquired'), waitedMs: finite }, { owner })],
  ['released', shape({ ...onResource, type: literal('released'), heldMs: finite }, { owner })],
  ['callStarted', shape({ type: literal('callStarted'), seq: count, atMs: finite, owner }, { arguments: argumentFingerprints, annotations })],
  [
    'callEnded',
    shape({ type: literal('callEnded'), seq: count, atMs: finite, owner, durationMs: finite, outcome: oneOf('ok', 'error', 'cancelled') }, { errorCode: text, sharedWrites }),
  ],
]);

/**
 * The fast path alone: the event as `inspectorEventSchema` would return it, or undefined when this path does not
 * decide (another shape, an unknown or undefined field, anything unusual). Exported for the test that holds it to zod.
 */
export function parseHotEvent(candidate: unknown): InspectorEvent | undefined {
  const hotShape = HOT_SHAPES.get((candidate as { type?: unknown } | null)?.type as string);
  const event = hotShape === undefined ? DECLINED : copyShape(candidate, hotShape);
  return event === DECLINED ? undefined : (event as unknown as InspectorEvent);
}

/**
 * One reported event checked exactly as `inspectorEventSchema` (the source of truth) checks it, or undefined when
 * that schema refuses it. The shapes every tool call reports take a hand-written path about twice as fast as zod,
 * which accepts only what zod accepts, with the same result; everything else goes to zod.
 */
export function parseInspectorEvent(candidate: unknown): InspectorEvent | undefined {
  const hot = parseHotEvent(candidate);
  if (hot !== undefined) return hot;
  const checked = inspectorEventSchema.safeParse(candidate);
  return checked.success ? checked.data : undefined;
}

/** The fields the fast path knows, per hot event type and for owners: a test holds them to the zod schema's. */
export const HOT_EVENT_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  [...HOT_SHAPES, ['owner', ownerShape] as const].map(([name, { fields }]) => [name, [...fields.keys()]]),
);
