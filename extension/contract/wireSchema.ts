import { z } from 'zod';
import { MAX_FINGERPRINTED_ARGUMENTS } from './argumentFingerprints';
import type {
  LockEvent,
  LockOrderSite,
  LockOwner,
  LockParty,
  LockSlowCall,
  LockSnapshot,
  LostUpdateEvent,
  ResourceSnapshot,
  WaitForEdge,
} from './lockEvents';
import {
  MAX_SHARED_WRITE_KEYS,
  WIRE_VERSION,
  type CallEndedEvent,
  type CallStartedEvent,
  type EventsMessage,
  type HelloMessage,
  type InspectorEvent,
  type SnapshotMessage,
  type SourceKind,
} from './wireFormat';

// Every schema is checked against its TypeScript contract with `satisfies`, so the two cannot drift apart.
// Objects strip unknown keys: a newer reporter may add fields, and they must not bloat the model.

// Bounds keep one hostile line from planting huge strings in the model; MAX_LINE_BYTES bounds the rest.
const shortText = z.string().max(4096);
const finiteNumber = z.number(); // zod 4 numbers already refuse Infinity and NaN
const count = z.number().int().nonnegative();

/** Every kind of source the channel knows, in the order views list them. */
export const SOURCE_KINDS = ['launched', 'chat', 'debug', 'external', 'redis'] as const satisfies readonly SourceKind[];

/** Schema of a lock owner. */
export const lockOwnerSchema = z.object({
  tool: shortText.optional(),
  requestId: z.union([shortText, finiteNumber]).optional(),
  sessionId: shortText.optional(),
  label: shortText.optional(),
  replica: shortText.optional(),
  caller: shortText.optional(),
  connectionId: shortText.optional(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  spanId: z.string().regex(/^[0-9a-f]{16}$/).optional(),
  taskId: shortText.optional(),
  taskTtlMs: z.number().nonnegative().optional(),
}) satisfies z.ZodType<LockOwner>;

const lockModeSchema = z.enum(['read', 'write']);

const lockPartySchema = z.object({
  chainId: count,
  owner: lockOwnerSchema.optional(),
  mode: lockModeSchema,
  sinceMs: finiteNumber,
}) satisfies z.ZodType<LockParty>;

const resourceSnapshotSchema = z.object({
  id: shortText,
  holders: z.array(lockPartySchema),
  waiters: z.array(lockPartySchema),
}) satisfies z.ZodType<ResourceSnapshot>;

/** Schema of a lock map snapshot. */
export const lockSnapshotSchema = z.object({
  atMs: finiteNumber,
  resources: z.array(resourceSnapshotSchema),
}) satisfies z.ZodType<LockSnapshot>;

const waitForEdgeSchema = z.object({
  waiter: z.object({ chainId: count, owner: lockOwnerSchema.optional(), mode: lockModeSchema }),
  resource: shortText,
  holderChainId: count,
  holderReplica: shortText.optional(),
}) satisfies z.ZodType<WaitForEdge>;

const lockOrderSiteSchema = z.object({
  first: shortText,
  second: shortText,
  chainId: count,
  owner: lockOwnerSchema.optional(),
  atMs: finiteNumber,
  location: shortText.optional(),
}) satisfies z.ZodType<LockOrderSite>;

const eventBase = { seq: count, atMs: finiteNumber, chainId: count, owner: lockOwnerSchema.optional() };
const onResource = { ...eventBase, resource: shortText, mode: lockModeSchema };

const slowCallSchema = z.object({ location: shortText, awaitedMs: finiteNumber, frames: z.array(shortText).max(16), call: shortText.optional() }) satisfies z.ZodType<LockSlowCall>;

/** Schema of every lock event. */
export const lockEventSchema = z.discriminatedUnion('type', [
  z.object({ ...onResource, type: z.literal('requested'), queueDepth: count }),
  z.object({ ...onResource, type: z.literal('acquired'), waitedMs: finiteNumber }),
  z.object({ ...onResource, type: z.literal('released'), heldMs: finiteNumber }),
  z.object({ ...onResource, type: z.literal('timeout'), waitedMs: finiteNumber, holders: z.array(lockPartySchema) }),
  z.object({ ...onResource, type: z.literal('aborted'), waitedMs: finiteNumber, reason: shortText.optional() }),
  z.object({ ...onResource, type: z.literal('deadlock'), cycle: z.array(waitForEdgeSchema) }),
  z.object({ ...onResource, type: z.literal('reentrant') }),
  z.object({ ...eventBase, type: z.literal('inversion'), earlier: lockOrderSiteSchema, later: lockOrderSiteSchema }),
  z.object({ ...onResource, type: z.literal('longHold'), heldMs: finiteNumber, thresholdMs: finiteNumber, slowCall: slowCallSchema.optional() }),
  z.object({ ...onResource, type: z.literal('leaseLost'), heldMs: finiteNumber, leaseMs: finiteNumber, fencingToken: count }),
]) satisfies z.ZodType<LockEvent>;

const sharedStateAccessSchema = { atMs: finiteNumber, location: shortText.optional() };

/** Schema of a lost-update report from the shared-state tracker. */
export const lostUpdateEventSchema = z.object({
  ...eventBase,
  type: z.literal('lostUpdate'),
  key: shortText,
  keyKind: z.enum(['file', 'state']),
  read: z.object(sharedStateAccessSchema),
  overwritten: z.object({ ...sharedStateAccessSchema, chainId: count, owner: lockOwnerSchema.optional() }),
  staleWrite: z.object(sharedStateAccessSchema),
}) satisfies z.ZodType<LostUpdateEvent>;

/** Fields both tool-call events carry. */
const callEventFields = { seq: count, atMs: finiteNumber, owner: lockOwnerSchema };

const callStartedSchema = z.object({
  type: z.literal('callStarted'),
  ...callEventFields,
  arguments: z
    .record(z.string().max(64), z.string().max(16))
    .refine((fingerprints) => Object.keys(fingerprints).length <= MAX_FINGERPRINTED_ARGUMENTS, `at most ${MAX_FINGERPRINTED_ARGUMENTS} arguments`)
    .optional(),
  annotations: z
    .object({ readOnlyHint: z.boolean().optional(), destructiveHint: z.boolean().optional(), idempotentHint: z.boolean().optional(), openWorldHint: z.boolean().optional() })
    .optional(),
}) satisfies z.ZodType<CallStartedEvent>;

const callEndedSchema = z.object({
  type: z.literal('callEnded'),
  ...callEventFields,
  durationMs: finiteNumber,
  outcome: z.enum(['ok', 'error', 'cancelled']),
  errorCode: shortText.optional(),
  sharedWrites: z.object({ count, keys: z.array(shortText).max(MAX_SHARED_WRITE_KEYS) }).optional(),
}) satisfies z.ZodType<CallEndedEvent>;

/** Schema of one event a server reports. */
export const inspectorEventSchema = z.union([
  lockEventSchema,
  callStartedSchema,
  callEndedSchema,
  lostUpdateEventSchema,
]) satisfies z.ZodType<InspectorEvent>;

/** Schema of the hello line; the version is checked apart so a mismatch gets its own message. */
export const helloMessageSchema = z.object({
  v: z.literal(WIRE_VERSION),
  type: z.literal('hello'),
  token: shortText,
  pid: z.number().int(),
  label: shortText,
  kind: shortText.optional(),
  server: z.object({ name: shortText, version: shortText }).optional(),
  replica: shortText.optional(),
  leaseMs: z.number().positive().finite().optional(),
}) satisfies z.ZodType<HelloMessage>;

/** Schema of a snapshot line. */
export const snapshotMessageSchema = z.object({
  v: z.literal(WIRE_VERSION),
  type: z.literal('snapshot'),
  snapshot: lockSnapshotSchema,
}) satisfies z.ZodType<SnapshotMessage>;

/** Schema of an events line whose events are validated one by one, so one unknown event does not sink its batch. */
export const eventsEnvelopeSchema = z.object({
  v: z.literal(WIRE_VERSION),
  type: z.literal('events'),
  events: z.array(z.unknown()),
  dropped: count,
}) satisfies z.ZodType<Omit<EventsMessage, 'events'> & { events: unknown[] }>;

/** Schema of the fields every line shares, read first to say precisely what is wrong with a line. */
export const lineHeaderSchema = z.object({ v: z.unknown(), type: z.string() });
