import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEMO_ACCOUNTS, startDemoLoad } from '../../../extension/demoServer/demoLoad';
import { createLockDemoServer, FEES_ACCOUNT } from '../../../extension/demoServer/createLockDemoServer';
import { instrumentMcpServer } from '../../../extension/mcp/instrumentMcpServer';
import { startDemoHarness, waitUntil, type DemoHarness } from './demoHarness';

describe('startDemoLoad', () => {
  let harness: DemoHarness | undefined;
  afterEach(() => harness?.close());

  it('fires waves of parallel calls on shared state: contention, the opposite-order pair, and no money lost', async () => {
    harness = await startDemoHarness({ latencyMs: 1 });
    // The demo load gets its own server over the same store and locks, as a second session would.
    const server = createLockDemoServer({ store: harness.store, locks: harness.locks, exchangeServiceMs: 1 });
    const instrumentation = instrumentMcpServer(server, harness.locks, { reporter: null, sessionLabel: 'demo-load' });
    let seed = 42;
    const load = await startDemoLoad(server, { pauseMs: 0, random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647) });
    await waitUntil(() => load.wavesDone() >= 5, 100_000);
    await load.stop();
    instrumentation.dispose();

    const events = harness.lockEvents;
    const tools = new Set(events.map((event) => event.owner?.tool));
    for (const tool of ['transfer', 'deposit', 'charge_fee', 'refund_fee', 'increment_counter']) assert.ok(tools.has(tool), `${tool} ran`);
    assert.ok(events.some((event) => event.type === 'acquired' && event.waitedMs > 0), 'some call waited for a lock');
    assert.ok(events.some((event) => event.type === 'inversion'), 'the opposite-order pair was reported');
    assert.ok(events.every((event) => event.owner?.sessionId === 'demo-load'));

    const audit = (await harness.call('audit')).structuredContent as { accounts: Array<{ account: string; balance: number }> };
    assert.deepEqual(audit.accounts.map((row) => row.account).sort(), [...DEMO_ACCOUNTS, FEES_ACCOUNT].sort());
    assert.ok(audit.accounts.every((row) => row.balance >= 0), 'no balance went negative');
    assert.equal(harness.locks.size, 0);
  });

  it('with the deadlock pair off, the load never runs charge_fee or refund_fee, so no deadlock or inversion is reported', async () => {
    harness = await startDemoHarness({ latencyMs: 1 });
    const server = createLockDemoServer({ store: harness.store, locks: harness.locks, exchangeServiceMs: 1 });
    const instrumentation = instrumentMcpServer(server, harness.locks, { reporter: null, sessionLabel: 'demo-load' });
    let seed = 42;
    const load = await startDemoLoad(server, { pauseMs: 0, deadlockPair: false, random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647) });
    await waitUntil(() => load.wavesDone() >= 5, 100_000);
    await load.stop();
    instrumentation.dispose();

    const events = harness.lockEvents;
    const tools = new Set(events.map((event) => event.owner?.tool));
    assert.ok(tools.has('transfer'), 'the rest of the load ran');
    assert.ok(!tools.has('charge_fee') && !tools.has('refund_fee'), [...tools].join(', '));
    assert.ok(!events.some((event) => event.type === 'deadlock' || event.type === 'inversion'));
  });
});
