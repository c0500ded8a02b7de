import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHANNEL_ENV, type InspectorEvent } from '../../extension/contract/wireFormat';
import { startTestHub, type TestHub } from '../support/testHub';
import { auditTotal, connectStdio, serverBundle, spawnServer, type StdioServer } from './serverProcess';

describe('bundled server over real stdio, through the official SDK client', () => {
  const folders: string[] = [];
  const freshFolder = (): string => {
    const folder = mkdtempSync(join(tmpdir(), 'lock-server-data-'));
    folders.push(folder);
    return folder;
  };
  before(() => serverBundle());
  after(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('300 concurrent transfers conserve money, and bad input is a tool error that leaves the server serving', async () => {
    const server = await connectStdio(['--latency-ms', '1']);
    try {
      const accounts = ['a', 'b', 'c', 'd', 'e', 'f'];
      await Promise.all(accounts.map((account) => server.call('deposit', { account, amount: 250 })));
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, index) => server.call('transfer', { from: accounts[index % 6]!, to: accounts[(index * 5 + 1) % 6]!, amount: 1 + (index % 13) })),
      );
      assert.ok(results.filter((result) => !result.isError).length >= 250);
      assert.equal(await auditTotal(server.call), 1500);

      const bad = await server.call('transfer', { from: 'a', to: 'b', amount: -1 });
      assert.equal(bad.isError, true);
      assert.match((bad.content[0] as { text: string }).text, /amount must be greater than 0/);
      const unknown = await server.call('withdraw', { account: 'ghost', amount: 1 });
      assert.match((unknown.content[0] as { text: string }).text, /Unknown account "ghost"/);
      assert.equal(await auditTotal(server.call), 1500);
    } finally {
      await server.close();
    }
  });

  it('serves independent accounts in parallel: with storage latency, holds on different accounts overlap', async () => {
    const hub: TestHub = await startTestHub();
    const server = await connectStdio(['--latency-ms', '40'], { [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'e2e', [CHANNEL_ENV.label]: 'e2e', [CHANNEL_ENV.kind]: 'launched' });
    try {
      await hub.waitFor(() => hub.messages.some((message) => message.type === 'snapshot'), 'the snapshot');
      const pairs = [['a', 'b'], ['c', 'd'], ['e', 'f']] as const;
      await Promise.all(pairs.flat().map((account) => server.call('deposit', { account, amount: 10 })));
      await Promise.all(pairs.map(([from, to]) => server.call('transfer', { from, to, amount: 1 })));
      await hub.waitFor(() => hub.events().filter((event) => event.type === 'callEnded').length >= 9, 'every callEnded');
      const holds = holdIntervals(hub.events().filter((event) => event.owner?.tool === 'transfer'));
      const first = holds.get('account:a')!;
      const second = holds.get('account:c')!;
      const third = holds.get('account:e')!;
      assert.ok(first && second && third, 'each pair was held');
      assert.ok(first.from < second.to && second.from < first.to, `a [${first.from}, ${first.to}] overlaps c [${second.from}, ${second.to}]`);
      assert.ok(first.from < third.to && third.from < first.to, 'a overlaps e');
      const hello = hub.messages[0];
      assert.equal(hello?.type === 'hello' && hello.token, 'e2e');
    } finally {
      await server.close();
      await hub.dispose();
    }
  });

  it('a cancelled call leaves no waiter behind', async () => {
    const server = await connectStdio(['--latency-ms', '300']);
    try {
      await server.call('deposit', { account: 'x', amount: 1 });
      const holder = server.call('deposit', { account: 'x', amount: 1 });
      const cancel = new AbortController();
      const waiter = server.call('deposit', { account: 'x', amount: 1000 }, { signal: cancel.signal });
      await pollUntil(async () => (await lockWaiters(server)) === 1, 'the second deposit to wait');
      cancel.abort();
      await assert.rejects(waiter);
      await pollUntil(async () => (await lockWaiters(server)) === 0, 'the waiter to leave');
      assert.equal((await holder).isError, undefined);
      assert.deepEqual((await server.call('get_balance', { account: 'x' })).structuredContent, { account: 'x', balance: 2 });
    } finally {
      await server.close();
    }
  });

  it('keeps every acknowledged change across a restart', async () => {
    const dataDir = freshFolder();
    const first = await connectStdio(['--data-dir', dataDir]);
    await first.call('deposit', { account: 'alice', amount: 70 });
    await first.call('deposit', { account: 'bob', amount: 30 });
    await first.call('transfer', { from: 'alice', to: 'bob', amount: 20.5 });
    await first.call('increment_counter', { counter: 'visits', by: 3 });
    await first.close();
    const second = await connectStdio(['--data-dir', dataDir]);
    try {
      assert.deepEqual((await second.call('audit')).structuredContent, {
        total: 100,
        accounts: [
          { account: 'alice', balance: 49.5 },
          { account: 'bob', balance: 50.5 },
        ],
      });
      assert.deepEqual((await second.call('increment_counter', { counter: 'visits' })).structuredContent, { counter: 'visits', value: 4 });
    } finally {
      await second.close();
    }
  });

  it('loses nothing acknowledged when killed with SIGKILL in the middle of writes, and restarts cleanly', async () => {
    const dataDir = freshFolder();
    const server = await connectStdio(['--data-dir', dataDir]);
    const accounts = Array.from({ length: 20 }, (_, index) => `acct${index}`);
    const acknowledged = new Map<string, number>(accounts.map((account) => [account, 0]));
    const sent = new Map<string, number>(accounts.map((account) => [account, 0]));
    let killed = false;
    const deposits: Promise<unknown>[] = [];
    for (let index = 0; index < 2000; index++) {
      const account = accounts[index % accounts.length]!;
      sent.set(account, sent.get(account)! + 1);
      deposits.push(
        server.call('deposit', { account, amount: 1 }).then(
          (result) => {
            if (!result.isError) acknowledged.set(account, acknowledged.get(account)! + 1);
            if (!killed && [...acknowledged.values()].reduce((sum, count) => sum + count, 0) >= 300) {
              killed = true;
              process.kill(server.pid, 'SIGKILL');
            }
          },
          () => undefined,
        ),
      );
    }
    await Promise.all(deposits);
    assert.ok(killed, 'the server was killed mid-way');
    await server.close().catch(() => undefined);
    const totalAcknowledged = [...acknowledged.values()].reduce((sum, count) => sum + count, 0);
    assert.ok(totalAcknowledged < 2000, `killed before the end (${totalAcknowledged} acknowledged)`);

    const restarted = await connectStdio(['--data-dir', dataDir]);
    try {
      const balances = new Map(((await restarted.call('audit')).structuredContent as { accounts: Array<{ account: string; balance: number }> }).accounts.map((row) => [row.account, row.balance]));
      for (const account of accounts) {
        const balance = balances.get(account) ?? 0;
        assert.ok(balance >= acknowledged.get(account)!, `${account}: ${balance} >= ${acknowledged.get(account)} acknowledged`);
        assert.ok(balance <= sent.get(account)!, `${account}: no deposit counted twice`);
      }
      assert.equal((await restarted.call('deposit', { account: 'acct0', amount: 1 })).isError, undefined);
    } finally {
      await restarted.close();
    }
  });

  it('starts its demo load once the inspector answered, so none of its first locks is dropped', async () => {
    const hub = await startTestHub();
    try {
      const server = await spawnServer(['--demo-load'], { [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'e2e' });
      await hub.waitFor(() => hub.events().filter((event) => event.type === 'released').length >= 20, 'the first demo waves');
      const dropped = hub.messages.reduce((sum, message) => sum + (message.type === 'events' ? message.dropped : 0), 0);
      assert.equal(dropped, 0, 'lock events reported before the first connection are dropped: the load must wait for it');
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
    } finally {
      await hub.dispose();
    }
  });

  it('exits cleanly (code 0) when the client closes stdin, and on SIGTERM', async () => {
    const byStdin = await spawnServer([]);
    byStdin.child.stdin!.end();
    assert.equal(await byStdin.exited, 0);
    const hub = await startTestHub();
    try {
      const bySignal = await spawnServer(['--demo-load'], { [CHANNEL_ENV.address]: hub.address, [CHANNEL_ENV.token]: 'e2e' });
      await hub.waitFor(() => hub.events().some((event) => event.type === 'callStarted'), 'demo calls in flight');
      bySignal.child.kill('SIGTERM');
      assert.equal(await bySignal.exited, 0);
    } finally {
      await hub.dispose();
    }
  });
});

/** Per resource: from its first `acquired` to its last `released` among `events`. */
function holdIntervals(events: readonly InspectorEvent[]): Map<string, { from: number; to: number }> {
  const holds = new Map<string, { from: number; to: number }>();
  for (const event of events) {
    if (event.type === 'acquired') holds.set(event.resource, { from: holds.get(event.resource)?.from ?? event.atMs, to: Infinity });
    if (event.type === 'released') holds.get(event.resource)!.to = event.atMs;
  }
  return holds;
}

async function lockWaiters(server: StdioServer): Promise<number> {
  const status = (await server.call('lock_status')).structuredContent as { resources: Array<{ waiters: unknown[] }> };
  return status.resources.reduce((sum, resource) => sum + resource.waiters.length, 0);
}

async function pollUntil(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) if (await condition()) return;
  throw new Error(`gave up waiting for ${what}`);
}
