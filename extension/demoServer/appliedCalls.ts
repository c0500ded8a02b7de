import * as z from 'zod';

/** The `idempotencyKey` argument of the mutating tools: one fresh key per operation, repeated by its retries. */
export const idempotencyKeySchema = z
  .string({ error: 'idempotencyKey must be a string such as a UUID' })
  .min(8, 'idempotencyKey is too short: use at least 8 characters, e.g. a UUID')
  .max(128, 'idempotencyKey is too long: at most 128 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'idempotencyKey may use only letters, digits and _ . : -');

/** What a write made with an idempotency key leaves behind: which call it was, and what that call answered. */
export interface AppliedCall {
  /** The tool and its arguments (see describeCall): a retry must repeat them. */
  readonly call: string;
  /** The answer the first call got, which every retry gets too. */
  readonly result: { readonly [key: string]: unknown };
}

/** An applied call with its key, as a keyed write hands it to the store. */
export interface KeyedCall extends AppliedCall {
  readonly key: string;
}

/** Schema of one applied call, as journals and Redis keep it. */
export const appliedCallSchema = z.object({
  call: z.string().max(4096),
  result: z.record(z.string(), z.json()),
}) satisfies z.ZodType<AppliedCall>;

/** How many applied calls a store remembers; a retry of an older call would apply again. */
export const REMEMBERED_CALLS = 10_000;

/** The identity of a tool call that a retry must repeat: its tool and its arguments, without the key. */
export function describeCall(tool: string, args: { readonly [name: string]: unknown }): string {
  const { idempotencyKey: _key, ...rest } = args;
  return `${tool} ${JSON.stringify(rest)}`;
}

/** The error for a key that already answered a different call. */
export function keyReusedError(key: string, applied: AppliedCall): Error {
  return new Error(
    `idempotencyKey "${key}" was already used by another call (${applied.call.slice(0, 200)}). A retry must repeat the same tool and arguments; use a new key for a new operation.`,
  );
}
