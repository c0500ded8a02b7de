import * as z from 'zod';

/** Largest amount one call may move: big enough for any demo, small enough that cents stay exact. */
export const MAX_AMOUNT = 1_000_000_000;

/** Longest account or counter name a call may use. */
export const MAX_NAME_LENGTH = 64;

/** A tool argument that names an account or counter: short, printable, no spaces. */
export function nameSchema(what: string): z.ZodString {
  return z
    .string({ error: `${what} is required and must be a string such as "alice"` })
    .min(1, { error: `${what} must not be empty; use a name such as "alice"`, abort: true })
    .max(MAX_NAME_LENGTH, `${what} is too long: at most ${MAX_NAME_LENGTH} characters`)
    .regex(/^[A-Za-z0-9_.@-]+$/, `${what} may use only letters, digits and _ . @ - (no spaces)`);
}

/** A money amount argument: a finite number of whole cents, from one cent to MAX_AMOUNT. */
export const amountSchema = z
  .number({ error: 'amount must be a number such as 25 or 19.99 (not a string, not null)' })
  .positive({ error: 'amount must be greater than 0', abort: true })
  // Below half a cent the two-decimals check cannot tell the amount from 0.00, which it would move.
  .min(0.01, 'amount must be at least 0.01 (one cent)')
  .max(MAX_AMOUNT, `amount is too large: at most ${MAX_AMOUNT}`)
  .refine((amount) => Math.abs(amount * 100 - Math.round(amount * 100)) < 1e-6, 'amount may have at most two decimals, e.g. 19.99');

/** Converts a validated amount to integer cents, so sums stay exact. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** Converts integer cents back to the number tools return. */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** Formats cents for messages: `1234.50`. */
export function formatCents(cents: number): string {
  return fromCents(cents).toFixed(2);
}
