import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { accountLock, FEES_ACCOUNT } from '../../../extension/demoServer/createLockDemoServer';
import { startDemoHarness, waitUntil, type DemoHarness } from './demoHarness';

describe('createLockDemoServer', () => {
  let harness: DemoHarness;
  beforeEach(async () => {
    harness = await startDemoHarness();
  });
  afterEach(() => harness.close());

  it('lists every tool with input and output schemas', async () => {
    const { tools } = await harness.client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    assert.deepEqual(names, ['audit', 'charge_fee', 'deposit', 'deposit_foreign', 'get_balance', 'increment_counter', 'lock_status', 'refund_fee', 'transfer', 'withdraw']);
    for (const tool of tools) assert.ok(tool.outputSchema, `${tool.name} has an output schema`);
    assert.equal(tools.find((tool) => tool.name === 'audit')?.annotations?.readOnlyHint, true);
  });

  it('deposit creates an account; withdraw, get_balance and transfer return structured balances and a summary', async () => {
    const deposited = await harness.call('deposit', { account: 'alice', amount: 100 });
    assert.deepEqual(deposited.structuredContent, { account: 'alice', balance: 100 });
    assert.match(harness.textOf(deposited), /Deposited 100\.00 to alice; balance 100\.00/);
    await harness.call('deposit', { account: 'bob', amount: 0.1 });
    await harness.call('deposit', { account: 'bob', amount: 0.2 });
    assert.deepEqual((await harness.call('get_balance', { account: 'bob' })).structuredContent, { account: 'bob', balance: 0.3 });
    assert.deepEqual((await harness.call('withdraw', { account: 'alice', amount: 19.99 })).structuredContent, { account: 'alice', balance: 80.01 });
    const moved = await harness.call('transfer', { from: 'alice', to: 'bob', amount: 30 });
    assert.deepEqual(moved.structuredContent, { from: 'alice', to: 'bob', amount: 30, fromBalance: 50.01, toBalance: 30.3 });
    assert.deepEqual((await harness.call('audit')).structuredContent, {
      total: 80.31,
      accounts: [
        { account: 'alice', balance: 50.01 },
        { account: 'bob', balance: 30.3 },
      ],
    });
  });

  it('a transfer to the same account changes nothing and takes no write lock', async () => {
    await harness.call('deposit', { account: 'alice', amount: 10 });
    const result = await harness.call('transfer', { from: 'alice', to: 'alice', amount: 5 });
    assert.equal(result.isError, undefined);
    assert.deepEqual(result.structuredContent, { from: 'alice', to: 'alice', amount: 5, fromBalance: 10, toBalance: 10 });
    const lastRequest = harness.lockEvents.filter((event) => event.type === 'requested').at(-1);
    assert.equal(lastRequest?.type === 'requested' && lastRequest.mode, 'read');
  });

  for (const [what, tool, args, expected] of [
    ['unknown account', 'withdraw', { account: 'nobody', amount: 1 }, /Unknown account "nobody".*Deposit to it first/],
    ['unknown transfer target', 'transfer', { from: 'alice', to: 'nobody', amount: 1 }, /Unknown account "nobody"/],
    ['insufficient funds', 'withdraw', { account: 'alice', amount: 11 }, /Insufficient funds in "alice": balance 10\.00, asked 11\.00/],
    ['a negative amount', 'deposit', { account: 'alice', amount: -5 }, /amount must be greater than 0/],
    ['a zero amount', 'transfer', { from: 'alice', to: 'bob', amount: 0 }, /amount must be greater than 0/],
    ['a non-numeric amount', 'deposit', { account: 'alice', amount: 'ten' }, /amount must be a number/],
    ['a non-finite amount (null on the wire)', 'deposit', { account: 'alice', amount: null }, /amount must be a number/],
    ['sub-cent amounts', 'deposit', { account: 'alice', amount: 1.005 }, /at most two decimals/],
    ['an amount below one cent', 'deposit', { account: 'alice', amount: 1e-9 }, /amount must be at least 0\.01 \(one cent\)/],
    ['an amount below one cent in a transfer', 'transfer', { from: 'alice', to: 'bob', amount: 0.001 }, /amount must be at least 0\.01 \(one cent\)/],
    ['a short idempotency key', 'deposit', { account: 'alice', amount: 1, idempotencyKey: 'x' }, /idempotencyKey is too short/],
    ['an oversize amount', 'deposit', { account: 'alice', amount: 1e12 }, /amount is too large/],
    ['a missing account', 'deposit', { amount: 1 }, /account is required/],
    ['an oversize account name', 'deposit', { account: 'x'.repeat(65), amount: 1 }, /account is too long: at most 64/],
    ['spaces in a name', 'get_balance', { account: 'a b' }, /letters, digits/],
    ['the house account in the fee demo', 'charge_fee', { account: FEES_ACCOUNT, amount: 1 }, /house account/],
    ['an unknown currency', 'deposit_foreign', { account: 'alice', amount: 1, currency: 'XYZ' }, /currency must be one of USD, EUR, GBP, JPY/],
  ] as const) {
    it(`answers ${what} with a tool error that says so, and keeps serving`, async () => {
      await harness.call('deposit', { account: 'alice', amount: 10 });
      const result = await harness.call(tool, args);
      assert.equal(result.isError, true);
      assert.match(harness.textOf(result), expected);
      assert.equal(result.content.length, 1, 'no retry advice: retrying bad input cannot help');
      assert.deepEqual((await harness.call('get_balance', { account: 'alice' })).structuredContent, { account: 'alice', balance: 10 });
    });
  }

  it('200 concurrent transfers, with storage latency between read and write, conserve money', async () => {
    await harness.close();
    harness = await startDemoHarness({ latencyMs: 1 });
    const accounts = ['a', 'b', 'c', 'd', 'e'];
    await Promise.all(accounts.map((account) => harness.call('deposit', { account, amount: 100 })));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        harness.call('transfer', { from: accounts[index % 5]!, to: accounts[(index * 3 + 1) % 5]!, amount: (index % 7) + 0.5 }),
      ),
    );
    assert.ok(results.filter((result) => !result.isError).length > 100, 'most transfers succeed');
    const audit = (await harness.call('audit')).structuredContent as { total: number; accounts: Array<{ balance: number }> };
    assert.equal(audit.total, 500);
    assert.ok(audit.accounts.every((account) => account.balance >= 0));
    assert.equal(harness.locks.size, 0, 'no lock is left behind');
  });

  it('increment_counter loses no update under parallel calls', async () => {
    await harness.close();
    harness = await startDemoHarness({ latencyMs: 1 });
    await Promise.all(Array.from({ length: 50 }, () => harness.call('increment_counter', { counter: 'visits' })));
    assert.deepEqual((await harness.call('increment_counter', { counter: 'visits', by: 5 })).structuredContent, { counter: 'visits', value: 55 });
  });

  it('audit is one consistent snapshot while transfers run', async () => {
    await harness.close();
    harness = await startDemoHarness({ latencyMs: 1 });
    await Promise.all(['a', 'b', 'c'].map((account) => harness.call('deposit', { account, amount: 100 })));
    const transfers = Array.from({ length: 60 }, (_, index) => harness.call('transfer', { from: ['a', 'b', 'c'][index % 3]!, to: ['b', 'c', 'a'][index % 3]!, amount: 7 }));
    const audits = Array.from({ length: 10 }, () => harness.call('audit'));
    for (const audit of await Promise.all(audits)) assert.equal((audit.structuredContent as { total: number }).total, 300);
    await Promise.all(transfers);
  });

  it('lock_status shows who holds and who waits', async () => {
    await harness.call('deposit', { account: 'alice', amount: 10 });
    let release!: () => void;
    const held = harness.locks.withLock(accountLock('alice'), () => new Promise<void>((resolve) => (release = resolve)), { owner: { label: 'test holder' } });
    const waiting = harness.call('deposit', { account: 'alice', amount: 1 });
    await waitUntil(() => harness.locks.snapshot().resources[0]?.waiters.length === 1);
    const status = (await harness.call('lock_status')).structuredContent as { resources: Array<{ id: string; holders: Array<{ owner?: { label?: string } }>; waiters: Array<{ owner?: { tool?: string } }> }> };
    assert.equal(status.resources[0]?.id, 'account:alice');
    assert.equal(status.resources[0]?.holders[0]?.owner?.label, 'test holder');
    assert.equal(status.resources[0]?.waiters[0]?.owner?.tool, 'deposit');
    release();
    await held;
    assert.deepEqual((await waiting).structuredContent, { account: 'alice', balance: 11 });
  });

  it('deposit_foreign calls the slow service before taking the account lock', async () => {
    await harness.close();
    harness = await startDemoHarness({ exchangeServiceMs: 50 });
    const deposit = harness.call('deposit_foreign', { account: 'alice', amount: 10, currency: 'EUR' });
    await waitUntil(() => harness.lockEvents.length > 0, 20);
    assert.equal(harness.lockEvents.length, 0, 'no lock is requested while the service answers');
    assert.deepEqual((await deposit).structuredContent, { account: 'alice', balance: 10.8, currency: 'EUR', rate: 1.08, credited: 10.8 });
  });

  it('charge_fee and refund_fee take their locks in opposite orders; the inversion is reported and money is conserved', async () => {
    await harness.close();
    harness = await startDemoHarness({ latencyMs: 2 });
    await harness.call('deposit', { account: 'alice', amount: 100 });
    await harness.call('deposit', { account: FEES_ACCOUNT, amount: 100 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => harness.call(index % 2 ? 'refund_fee' : 'charge_fee', { account: 'alice', amount: 1 })),
    );
    assert.ok(harness.lockEvents.some((event) => event.type === 'inversion'), 'an inversion event was emitted');
    const deadlocks = results.filter((result) => result.isError && /Deadlock/.test(harness.textOf(result)));
    for (const result of deadlocks) assert.match(harness.textOf(result), /one global order/);
    assert.equal(((await harness.call('audit')).structuredContent as { total: number }).total, 200);
  });

  describe('idempotency keys', () => {
    const audit = async (): Promise<unknown> => (await harness.call('audit')).structuredContent;

    it('a retried call with the same idempotencyKey is applied once and answers as the first call did', async () => {
      const first = await harness.call('deposit', { account: 'alice', amount: 10, idempotencyKey: 'deposit-0001' });
      const retry = await harness.call('deposit', { account: 'alice', amount: 10, idempotencyKey: 'deposit-0001' });
      assert.deepEqual(retry.structuredContent, first.structuredContent);
      assert.deepEqual(retry.content, first.content);
      assert.deepEqual((await harness.call('get_balance', { account: 'alice' })).structuredContent, { account: 'alice', balance: 10 });
      await harness.call('deposit', { account: 'alice', amount: 10 });
      await harness.call('deposit', { account: 'alice', amount: 10 });
      assert.deepEqual((await harness.call('get_balance', { account: 'alice' })).structuredContent, { account: 'alice', balance: 30 }, 'calls without a key apply every time');
    });

    it('copies of one call sent together are applied once', async () => {
      await harness.close();
      harness = await startDemoHarness({ latencyMs: 2 });
      const results = await Promise.all(Array.from({ length: 5 }, () => harness.call('deposit', { account: 'alice', amount: 7, idempotencyKey: 'together-0001' })));
      for (const result of results) assert.deepEqual(result.structuredContent, { account: 'alice', balance: 7 });
      assert.deepEqual((await harness.call('get_balance', { account: 'alice' })).structuredContent, { account: 'alice', balance: 7 });
    });

    it('refuses a key reused for a different call, and applies nothing for it', async () => {
      await harness.call('deposit', { account: 'alice', amount: 10, idempotencyKey: 'reused-0001' });
      const other = await harness.call('deposit', { account: 'alice', amount: 99, idempotencyKey: 'reused-0001' });
      assert.equal(other.isError, true);
      assert.match(harness.textOf(other), /idempotencyKey "reused-0001" was already used by another call \(deposit \{"account":"alice","amount":10\}\)\. A retry must repeat the same tool and arguments; use a new key/);
      const elsewhere = await harness.call('withdraw', { account: 'alice', amount: 1, idempotencyKey: 'reused-0001' });
      assert.match(harness.textOf(elsewhere), /already used by another call/);
      assert.deepEqual((await harness.call('get_balance', { account: 'alice' })).structuredContent, { account: 'alice', balance: 10 });
    });

    it('a call that failed applied nothing under its key, so its retry runs anew', async () => {
      await harness.call('deposit', { account: 'alice', amount: 5 });
      const refused = await harness.call('withdraw', { account: 'alice', amount: 8, idempotencyKey: 'withdraw-0001' });
      assert.match(harness.textOf(refused), /Insufficient funds/);
      await harness.call('deposit', { account: 'alice', amount: 5 });
      assert.deepEqual((await harness.call('withdraw', { account: 'alice', amount: 8, idempotencyKey: 'withdraw-0001' })).structuredContent, { account: 'alice', balance: 2 });
    });

    it('every mutating tool takes a key and applies a retried call once', async () => {
      await harness.close();
      harness = await startDemoHarness({ exchangeServiceMs: 1 });
      await harness.call('deposit', { account: 'alice', amount: 100 });
      await harness.call('deposit', { account: 'bob', amount: 100 });
      await harness.call('deposit', { account: FEES_ACCOUNT, amount: 100 });
      const calls: Array<[string, Record<string, unknown>]> = [
        ['deposit', { account: 'alice', amount: 1 }],
        ['withdraw', { account: 'alice', amount: 2 }],
        ['transfer', { from: 'alice', to: 'bob', amount: 3 }],
        ['deposit_foreign', { account: 'bob', amount: 10, currency: 'EUR' }],
        ['charge_fee', { account: 'alice', amount: 4 }],
        ['refund_fee', { account: 'bob', amount: 5 }],
        ['increment_counter', { counter: 'visits', by: 2 }],
      ];
      for (const [index, [tool, args]] of calls.entries()) {
        const keyed = { ...args, idempotencyKey: `every-tool-${index}` };
        const first = await harness.call(tool, keyed);
        assert.equal(first.isError, undefined, `${tool}: ${harness.textOf(first)}`);
        const before = await audit();
        assert.deepEqual((await harness.call(tool, keyed)).structuredContent, first.structuredContent, tool);
        assert.deepEqual(await audit(), before, `${tool} was applied once`);
      }
      assert.deepEqual((await harness.call('increment_counter', { counter: 'visits', by: 1 })).structuredContent, { counter: 'visits', value: 3 });
    });

    it('remembers an applied key across a restart: the retry after a crash is applied once', async () => {
      await harness.close();
      const dataDir = mkdtempSync(join(tmpdir(), 'demo-idempotency-'));
      try {
        harness = await startDemoHarness({ dataDir });
        const first = await harness.call('transfer', { from: 'alice', to: 'bob', amount: 1, idempotencyKey: 'restart-0001' });
        assert.match(harness.textOf(first), /Unknown account/);
        await harness.call('deposit', { account: 'alice', amount: 50, idempotencyKey: 'restart-0002' });
        await harness.call('deposit', { account: 'bob', amount: 50 });
        const moved = await harness.call('transfer', { from: 'alice', to: 'bob', amount: 20, idempotencyKey: 'restart-0003' });
        await harness.close();
        harness = await startDemoHarness({ dataDir });
        await harness.call('deposit', { account: 'alice', amount: 50, idempotencyKey: 'restart-0002' });
        assert.deepEqual((await harness.call('transfer', { from: 'alice', to: 'bob', amount: 20, idempotencyKey: 'restart-0003' })).structuredContent, moved.structuredContent);
        assert.deepEqual(await audit(), { total: 100, accounts: [{ account: 'alice', balance: 30 }, { account: 'bob', balance: 70 }] });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
