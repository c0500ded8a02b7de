import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connectStdio, serverBundle, type StdioServer } from '../mcp/serverProcess';

const ROUNDS = 20;
const CALLS_PER_ROUND = 300;
const ACCOUNTS = Array.from({ length: 10 }, (_, index) => `acct${index}`);

/** One operation the client wants applied exactly once, whatever happens to the server. */
interface Operation {
  readonly tool: 'deposit' | 'transfer';
  readonly args: Record<string, unknown>;
  /** Set once the server answered: true when it applied it, false when it refused it (insufficient funds). */
  applied?: boolean;
}

describe('kill -9 in the middle of parallel deposits and transfers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fault-kill-loop-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`${ROUNDS} rounds: the audit equals exactly what was acknowledged, every retried call applied once`, async () => {
    await serverBundle();
    const operations: Operation[] = [];
    let unanswered: Operation[] = [];
    let seed = 12345;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const figures = { calls: 0, acknowledgedFirstTime: 0, sawAnError: 0, storedWhileClientSawAnError: 0, retries: 0, refused: 0 };

    /** Sends `operation` with its key; records the answer, or leaves it unanswered when the connection died. */
    const send = async (server: StdioServer, operation: Operation): Promise<boolean> => {
      let result: CallToolResult;
      try {
        result = await server.call(operation.tool, operation.args);
      } catch {
        return false;
      }
      const text = (result.content[0] as { text?: string } | undefined)?.text ?? '';
      if (result.isError) assert.match(text, /Insufficient funds|Unknown account/, `only a real refusal may answer ${operation.tool}: ${text}`);
      operation.applied = result.isError !== true;
      if (!operation.applied) figures.refused++;
      return true;
    };

    for (let round = 0; round <= ROUNDS; round++) {
      const server = await connectStdio(['--data-dir', dataDir]);
      try {
        if (unanswered.length > 0) {
          // What the journal holds beyond what was acknowledged: calls applied although their client saw an error.
          figures.storedWhileClientSawAnError += (await auditCents(server)) - expectedCents(operations);
          figures.retries += unanswered.length;
          const retried = await Promise.all(unanswered.map((operation) => send(server, operation)));
          assert.ok(retried.every(Boolean), 'every retry is answered by a running server');
          unanswered = [];
        }
        if (round === ROUNDS) {
          assert.deepEqual(await auditByAccount(server), expectedByAccount(operations), 'the audit equals exactly what was acknowledged');
          break;
        }
        const killAfter = 50 + Math.floor(random() * 150);
        let acknowledged = 0;
        const batch = Array.from({ length: CALLS_PER_ROUND }, (_, index): Operation => {
          const key = `r${round}-c${index}`.padEnd(8, '-');
          if (index % 3 === 2) {
            const from = ACCOUNTS[Math.floor(random() * ACCOUNTS.length)]!;
            const to = ACCOUNTS[(ACCOUNTS.indexOf(from) + 1 + Math.floor(random() * (ACCOUNTS.length - 1))) % ACCOUNTS.length]!;
            return { tool: 'transfer', args: { from, to, amount: 1, idempotencyKey: key } };
          }
          return { tool: 'deposit', args: { account: ACCOUNTS[Math.floor(random() * ACCOUNTS.length)]!, amount: 2, idempotencyKey: key } };
        });
        operations.push(...batch);
        figures.calls += batch.length;
        const answered = await Promise.all(
          batch.map(async (operation) => {
            const ok = await send(server, operation);
            if (ok && ++acknowledged === killAfter) process.kill(server.pid, 'SIGKILL');
            return ok;
          }),
        );
        figures.acknowledgedFirstTime += answered.filter(Boolean).length;
        unanswered = batch.filter((_, index) => !answered[index]);
        figures.sawAnError += unanswered.length;
      } finally {
        await server.close().catch(() => undefined);
      }
    }
    const applied = operations.filter((operation) => operation.applied).length;
    console.log(
      `kill loop: ${ROUNDS} rounds, ${figures.calls} calls (deposits and transfers in parallel), ${figures.acknowledgedFirstTime} acknowledged at once, ` +
        `${figures.sawAnError} saw an error (of which at least ${figures.storedWhileClientSawAnError / 200} deposits had reached the journal), ` +
        `${figures.retries} retried with their idempotency keys, ${applied} applied in all, ${figures.refused} refused (funds, unknown account); audit = acknowledged exactly, 0 lost, 0 applied twice`,
    );
    assert.ok(figures.sawAnError > 0, 'the kills cut calls off');
  });
});

function expectedByAccount(operations: readonly Operation[]): Record<string, number> {
  const cents = new Map<string, number>();
  const add = (account: string, delta: number) => cents.set(account, (cents.get(account) ?? 0) + delta);
  for (const { tool, args, applied } of operations) {
    if (!applied) continue;
    if (tool === 'deposit') add(args.account as string, (args.amount as number) * 100);
    else {
      add(args.from as string, -(args.amount as number) * 100);
      add(args.to as string, (args.amount as number) * 100);
    }
  }
  return Object.fromEntries([...cents].sort(([a], [b]) => a.localeCompare(b)));
}

function expectedCents(operations: readonly Operation[]): number {
  return Object.values(expectedByAccount(operations)).reduce((sum, cents) => sum + cents, 0);
}

async function auditByAccount(server: StdioServer): Promise<Record<string, number>> {
  const audit = (await server.call('audit')).structuredContent as { accounts: Array<{ account: string; balance: number }> };
  return Object.fromEntries(audit.accounts.map(({ account, balance }) => [account, Math.round(balance * 100)]));
}

async function auditCents(server: StdioServer): Promise<number> {
  return Object.values(await auditByAccount(server)).reduce((sum, cents) => sum + cents, 0);
}
