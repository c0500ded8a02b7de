import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { describeCall, idempotencyKeySchema, keyReusedError } from './appliedCalls';
import { amountSchema, formatCents, fromCents, nameSchema, toCents } from './money';
import { withRenamedLockIds } from './renamedLockIds';
import { sleep } from './sleep';
import type { BankStore, DemoLockMap } from './bankStore';

/** What the demo server shares between all its sessions. */
export interface LockDemoServerOptions {
  readonly store: BankStore;
  readonly locks: DemoLockMap;
  /** How long the simulated exchange-rate service takes to answer; default 300 ms. */
  readonly exchangeServiceMs?: number;
  /** Takes each lock under this id instead (see withRenamedLockIds): `() => 'db'` is the coarse-lock mistake the advice measures. */
  readonly lockIdOf?: (resource: string) => string;
}

/** Name and version the bundled server reports in `initialize`. */
export const LOCK_DEMO_SERVER_INFO = { name: 'mcp-lock-inspector-demo', version: '0.1.0' } as const;

/** The account that `charge_fee` pays into and `refund_fee` pays out of. */
export const FEES_ACCOUNT = 'fees';

/** Exchange rates to the house currency that the simulated slow service answers with. */
export const EXCHANGE_RATES: Readonly<Record<string, number>> = { USD: 1, EUR: 1.08, GBP: 1.27, JPY: 0.0067 };

/** Lock id of an account; shared with anything that must agree on it (demo load, tests). */
export function accountLock(account: string): string {
  return `account:${account}`;
}

/** Lock id of a counter. */
export function counterLock(counter: string): string {
  return `counter:${counter}`;
}

const ACCOUNT_KEY = 'account/';
const COUNTER_KEY = 'counter/';

const balanceShape = { account: z.string(), balance: z.number() };

const idempotencyKey = idempotencyKeySchema
  .optional()
  .describe('Optional: a fresh unique string per operation (e.g. a UUID). A retry with the same key and arguments is applied once and gets the first answer, even after a restart.');

/** Writes a mutating tool's changes together with its answer, which a retry under the same key gets again. */
type Commit = (changes: ReadonlyMap<string, number>, result: CallToolResult) => Promise<CallToolResult>;

const ownerShape = z.object({
  tool: z.string().optional(),
  requestId: z.union([z.string(), z.number()]).optional(),
  sessionId: z.string().optional(),
  label: z.string().optional(),
});
const partyShape = z.object({ chainId: z.number(), owner: ownerShape.optional(), mode: z.enum(['read', 'write']), sinceMs: z.number() });

/**
 * Builds the bank demo MCP server over a shared store and lock map, apart from any transport.
 *
 * Every handler that reads-modifies-writes takes the locks of the keys it touches; the demo
 * pairs `charge_fee` and `refund_fee` take two locks in opposite orders on purpose, to show
 * what the inspector reports about that.
 */
export function createLockDemoServer(options: LockDemoServerOptions): McpServer {
  const { store } = options;
  const locks = options.lockIdOf ? withRenamedLockIds(options.locks, options.lockIdOf) : options.locks;
  const exchangeServiceMs = options.exchangeServiceMs ?? 300;
  const server = new McpServer(LOCK_DEMO_SERVER_INFO, {
    instructions:
      'A small bank whose tool calls share balances. Call tools in parallel; every lock they take is visible in locks://snapshot and in MCP Lock Inspector.',
  });

  async function existingBalance(account: string): Promise<number> {
    const cents = await store.read(ACCOUNT_KEY + account);
    if (cents === undefined) {
      throw new Error(`Unknown account "${account}": an account exists from its first deposit. Deposit to it first, or call audit to list accounts.`);
    }
    return cents;
  }

  function requireFunds(account: string, balanceCents: number, amountCents: number): void {
    if (balanceCents < amountCents) {
      throw new Error(
        `Insufficient funds in "${account}": balance ${formatCents(balanceCents)}, asked ${formatCents(amountCents)}. Ask for at most ${formatCents(balanceCents)}.`,
      );
    }
  }

  /**
   * Runs a mutating tool's critical section, under its locks, at most once per idempotency key: a retry of an applied
   * call gets that call's answer and changes nothing. Copies of one call take the same locks, so they queue behind the
   * first and find its answer here.
   */
  async function applyOnce(key: string | undefined, call: string, section: (commit: Commit) => Promise<CallToolResult>): Promise<CallToolResult> {
    if (key !== undefined) {
      const applied = await store.appliedCall(key);
      if (applied !== undefined) {
        if (applied.call !== call) throw keyReusedError(key, applied);
        return applied.result as CallToolResult;
      }
    }
    return section(async (changes, result) => {
      await store.write(changes, key === undefined ? undefined : { key, call, result });
      return result;
    });
  }

  function checkedSum(account: string, balanceCents: number, amountCents: number): number {
    const sum = balanceCents + amountCents;
    if (!Number.isSafeInteger(sum)) throw new Error(`The balance of "${account}" would become too large to keep exactly; deposit less.`);
    return sum;
  }

  server.registerTool(
    'deposit',
    {
      title: 'Deposit',
      description: 'Adds money to an account, creating it on its first deposit.',
      inputSchema: { account: nameSchema('account'), amount: amountSchema, idempotencyKey },
      outputSchema: balanceShape,
    },
    async ({ account, amount, idempotencyKey: key }) =>
      locks.withLock(accountLock(account), () =>
        applyOnce(key, describeCall('deposit', { account, amount }), async (commit) => {
          const balanceCents = checkedSum(account, (await store.read(ACCOUNT_KEY + account)) ?? 0, toCents(amount));
          return commit(
            new Map([[ACCOUNT_KEY + account, balanceCents]]),
            toolResult({ account, balance: fromCents(balanceCents) }, `Deposited ${formatCents(toCents(amount))} to ${account}; balance ${formatCents(balanceCents)}.`),
          );
        }),
      ),
  );

  server.registerTool(
    'withdraw',
    {
      title: 'Withdraw',
      description: 'Takes money out of an existing account; fails when the balance is too low.',
      inputSchema: { account: nameSchema('account'), amount: amountSchema, idempotencyKey },
      outputSchema: balanceShape,
    },
    async ({ account, amount, idempotencyKey: key }) =>
      locks.withLock(accountLock(account), () =>
        applyOnce(key, describeCall('withdraw', { account, amount }), async (commit) => {
          const before = await existingBalance(account);
          requireFunds(account, before, toCents(amount));
          const balanceCents = before - toCents(amount);
          return commit(
            new Map([[ACCOUNT_KEY + account, balanceCents]]),
            toolResult({ account, balance: fromCents(balanceCents) }, `Withdrew ${formatCents(toCents(amount))} from ${account}; balance ${formatCents(balanceCents)}.`),
          );
        }),
      ),
  );

  server.registerTool(
    'get_balance',
    {
      title: 'Get balance',
      description: 'Reads the balance of an existing account (under a read lock).',
      inputSchema: { account: nameSchema('account') },
      outputSchema: balanceShape,
      annotations: { readOnlyHint: true },
    },
    async ({ account }) =>
      locks.withLock(
        accountLock(account),
        async () => {
          const balanceCents = await existingBalance(account);
          return toolResult({ account, balance: fromCents(balanceCents) }, `${account} has ${formatCents(balanceCents)}.`);
        },
        { mode: 'read' },
      ),
  );

  server.registerTool(
    'transfer',
    {
      title: 'Transfer',
      description: 'Moves money between two existing accounts under both locks, taken in one consistent order. A transfer to the same account changes nothing.',
      inputSchema: { from: nameSchema('from'), to: nameSchema('to'), amount: amountSchema, idempotencyKey },
      outputSchema: { from: z.string(), to: z.string(), amount: z.number(), fromBalance: z.number(), toBalance: z.number() },
    },
    async ({ from, to, amount, idempotencyKey: key }) => {
      const amountCents = toCents(amount);
      if (from === to) {
        return locks.withLock(
          accountLock(from),
          async () => {
            const balance = fromCents(await existingBalance(from));
            return toolResult({ from, to, amount, fromBalance: balance, toBalance: balance }, `Nothing to move: from and to are both ${from}; balance ${balance.toFixed(2)}.`);
          },
          { mode: 'read' },
        );
      }
      return locks.withLocks([accountLock(from), accountLock(to)], () =>
        applyOnce(key, describeCall('transfer', { from, to, amount }), async (commit) => {
          const [fromBefore, toBefore] = await Promise.all([existingBalance(from), existingBalance(to)]);
          requireFunds(from, fromBefore, amountCents);
          const fromCentsAfter = fromBefore - amountCents;
          const toCentsAfter = checkedSum(to, toBefore, amountCents);
          return commit(
            new Map([[ACCOUNT_KEY + from, fromCentsAfter], [ACCOUNT_KEY + to, toCentsAfter]]),
            toolResult(
              { from, to, amount, fromBalance: fromCents(fromCentsAfter), toBalance: fromCents(toCentsAfter) },
              `Moved ${formatCents(amountCents)} from ${from} (now ${formatCents(fromCentsAfter)}) to ${to} (now ${formatCents(toCentsAfter)}).`,
            ),
          );
        }),
      );
    },
  );

  server.registerTool(
    'audit',
    {
      title: 'Audit',
      description: 'Sums every account as one consistent snapshot, under read locks on all of them.',
      inputSchema: {},
      outputSchema: { total: z.number(), accounts: z.array(z.object(balanceShape)) },
      annotations: { readOnlyHint: true },
    },
    async () => {
      const accounts = (await store.keys(ACCOUNT_KEY)).map((key) => key.slice(ACCOUNT_KEY.length));
      return locks.withLocks(
        accounts.map(accountLock),
        async () => {
          const balances = await Promise.all(accounts.map(async (account) => ({ account, cents: await existingBalance(account) })));
          const totalCents = balances.reduce((sum, { cents }) => sum + cents, 0);
          return toolResult(
            { total: fromCents(totalCents), accounts: balances.map(({ account, cents }) => ({ account, balance: fromCents(cents) })) },
            `${balances.length} accounts hold ${formatCents(totalCents)} in total.`,
          );
        },
        { mode: 'read' },
      );
    },
  );

  server.registerTool(
    'lock_status',
    {
      title: 'Lock status',
      description: 'The busy resources right now: who holds each lock and who waits for it.',
      inputSchema: {},
      outputSchema: { atMs: z.number(), resources: z.array(z.object({ id: z.string(), holders: z.array(partyShape), waiters: z.array(partyShape) })) },
      annotations: { readOnlyHint: true },
    },
    async () => {
      const snapshot = locks.snapshot();
      const waiting = snapshot.resources.reduce((sum, resource) => sum + resource.waiters.length, 0);
      return toolResult(
        { atMs: snapshot.atMs, resources: snapshot.resources.map(({ id, holders, waiters }) => ({ id, holders: [...holders], waiters: [...waiters] })) },
        snapshot.resources.length === 0 ? 'No lock is held.' : `${snapshot.resources.length} resources busy, ${waiting} callers waiting.`,
      );
    },
  );

  server.registerTool(
    'increment_counter',
    {
      title: 'Increment counter',
      description: 'Adds to a named counter; the read-modify-write happens under the counter lock, so parallel calls never lose an update.',
      inputSchema: { counter: nameSchema('counter'), by: z.number().int('by must be a whole number').min(1).max(1_000_000).default(1), idempotencyKey },
      outputSchema: { counter: z.string(), value: z.number() },
    },
    async ({ counter, by, idempotencyKey: key }) =>
      locks.withLock(counterLock(counter), () =>
        applyOnce(key, describeCall('increment_counter', { counter, by }), async (commit) => {
          const value = ((await store.read(COUNTER_KEY + counter)) ?? 0) + by;
          return commit(new Map([[COUNTER_KEY + counter, value]]), toolResult({ counter, value }, `${counter} is now ${value}.`));
        }),
      ),
  );

  server.registerTool(
    'deposit_foreign',
    {
      title: 'Deposit foreign currency',
      description: 'Deposits an amount in another currency. The slow exchange-rate service is called BEFORE taking the account lock, so the lock is never held across it.',
      inputSchema: {
        account: nameSchema('account'),
        amount: amountSchema,
        currency: z.enum(Object.keys(EXCHANGE_RATES) as [string, ...string[]], { error: `currency must be one of ${Object.keys(EXCHANGE_RATES).join(', ')}` }),
        idempotencyKey,
      },
      outputSchema: { ...balanceShape, currency: z.string(), rate: z.number(), credited: z.number() },
    },
    async ({ account, amount, currency, idempotencyKey: key }, extra) => {
      await sleep(exchangeServiceMs, extra.signal);
      const rate = EXCHANGE_RATES[currency]!;
      const creditedCents = Math.round(toCents(amount) * rate);
      return locks.withLock(accountLock(account), () =>
        applyOnce(key, describeCall('deposit_foreign', { account, amount, currency }), async (commit) => {
          const balanceCents = checkedSum(account, (await store.read(ACCOUNT_KEY + account)) ?? 0, creditedCents);
          return commit(
            new Map([[ACCOUNT_KEY + account, balanceCents]]),
            toolResult(
              { account, balance: fromCents(balanceCents), currency, rate, credited: fromCents(creditedCents) },
              `Converted ${amount} ${currency} at ${rate} and deposited ${formatCents(creditedCents)} to ${account}; balance ${formatCents(balanceCents)}.`,
            ),
          );
        }),
      );
    },
  );

  function requireCustomerAccount(account: string): void {
    if (account === FEES_ACCOUNT) throw new Error(`"${FEES_ACCOUNT}" is the house account; charge or refund a customer account instead.`);
  }

  const feeShape = { account: z.string(), balance: z.number(), feesBalance: z.number() };

  // The next two handlers nest their locks in opposite orders on purpose (account then fees, fees
  // then account): the lock-order inversion and deadlock demo. Real code would use withLocks.
  server.registerTool(
    'charge_fee',
    {
      title: 'Charge fee (lock-order demo)',
      description: `Moves a fee from an account to "${FEES_ACCOUNT}", locking the account first, then "${FEES_ACCOUNT}" (the opposite order of refund_fee, to demonstrate inversions and deadlocks).`,
      inputSchema: { account: nameSchema('account'), amount: amountSchema, idempotencyKey },
      outputSchema: feeShape,
    },
    async ({ account, amount, idempotencyKey: key }) => {
      requireCustomerAccount(account);
      return locks.withLock(accountLock(account), () =>
        applyOnce(key, describeCall('charge_fee', { account, amount }), async (commit) => {
          const accountBefore = await existingBalance(account);
          requireFunds(account, accountBefore, toCents(amount));
          return locks.withLock(accountLock(FEES_ACCOUNT), async () => {
            const feesAfter = checkedSum(FEES_ACCOUNT, (await store.read(ACCOUNT_KEY + FEES_ACCOUNT)) ?? 0, toCents(amount));
            const accountAfter = accountBefore - toCents(amount);
            return commit(
              new Map([[ACCOUNT_KEY + account, accountAfter], [ACCOUNT_KEY + FEES_ACCOUNT, feesAfter]]),
              toolResult({ account, balance: fromCents(accountAfter), feesBalance: fromCents(feesAfter) }, `Charged ${formatCents(toCents(amount))} to ${account}; balance ${formatCents(accountAfter)}.`),
            );
          });
        }),
      );
    },
  );

  server.registerTool(
    'refund_fee',
    {
      title: 'Refund fee (lock-order demo)',
      description: `Moves a fee back from "${FEES_ACCOUNT}" to an account, locking "${FEES_ACCOUNT}" first, then the account (the opposite order of charge_fee).`,
      inputSchema: { account: nameSchema('account'), amount: amountSchema, idempotencyKey },
      outputSchema: feeShape,
    },
    async ({ account, amount, idempotencyKey: key }) => {
      requireCustomerAccount(account);
      return locks.withLock(accountLock(FEES_ACCOUNT), () =>
        applyOnce(key, describeCall('refund_fee', { account, amount }), async (commit) => {
          const feesBefore = await existingBalance(FEES_ACCOUNT);
          requireFunds(FEES_ACCOUNT, feesBefore, toCents(amount));
          return locks.withLock(accountLock(account), async () => {
            const accountAfter = checkedSum(account, await existingBalance(account), toCents(amount));
            const feesAfter = feesBefore - toCents(amount);
            return commit(
              new Map([[ACCOUNT_KEY + account, accountAfter], [ACCOUNT_KEY + FEES_ACCOUNT, feesAfter]]),
              toolResult({ account, balance: fromCents(accountAfter), feesBalance: fromCents(feesAfter) }, `Refunded ${formatCents(toCents(amount))} to ${account}; balance ${formatCents(accountAfter)}.`),
            );
          });
        }),
      );
    },
  );

  return server;
}

function toolResult<T extends Record<string, unknown>>(structuredContent: T, summary: string): CallToolResult {
  return { content: [{ type: 'text', text: summary }], structuredContent };
}
