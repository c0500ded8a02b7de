import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { ResourceLockMap } from '../../../extension/locks';
import type { LockEvent } from '../../../extension/contract/lockEvents';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import { taskLockOwners } from '../../../extension/mcp/taskLockOwners';
import { accountLock, createBankServer, type Accounts } from '../../fixtures/sdk2Server/createBankServer';
import { LockEventFactory } from '../../support/lockEvents';
import { waitUntil } from '../demoServer/demoHarness';

const anyResult = z.looseObject({});
const TASK_DESCRIPTION = z.looseObject({ taskId: z.string(), status: z.string() });

/** A 2.x server behind createMcpHandler and the official 2.x client of one era, in this process. */
async function bank(era: 'modern' | 'legacy') {
  const locks = new ResourceLockMap({ timeoutMs: 10_000 });
  const events: LockEvent[] = [];
  locks.subscribe((event) => events.push(event));
  const accounts: Accounts = new Map([['a0', 100], ['a1', 100]]);
  const handler = createMcpHandler(() => createBankServer(locks, accounts, { reporter: null }));
  const client = new Client({ name: 'task-client', version: '1.0.0' }, era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
  await client.connect(new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
  /** Starts `transfer_later` and returns its task id, from the server's lock events: on 2026-07-28 the 2.4.0 client refuses `resultType: 'task'` results, though the server sent one. */
  const startTask = async (args: Record<string, unknown>): Promise<string> => {
    await client.callTool({ name: 'transfer_later', arguments: args }).catch((error: Error) => assert.match(error.message, /Unsupported result type 'task'/));
    await waitUntil(() => events.some((event) => event.owner?.taskId !== undefined));
    return events.find((event) => event.owner?.taskId !== undefined)!.owner!.taskId!;
  };
  return { locks, events, accounts, client, handler, startTask, close: async () => (await client.close(), await handler.close()) };
}

describe('locks of tasks (tasks extension) on SDK 2.x', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  for (const era of ['modern', 'legacy'] as const) {
    it(`locks taken by a task's work after its call returned are owned by the task, with its ttl (${era})`, async () => {
      const server = await bank(era);
      closers.push(server.close);
      const taskId = await server.startTask({ from: 'a0', to: 'a1', amount: 5, delayMs: 0, ttlMs: 60_000 });
      await waitUntil(() => server.accounts.get('a1') === 105);
      const acquired = server.events.filter((event) => event.type === 'acquired');
      assert.deepEqual(acquired.map((event) => [event.resource, event.owner?.tool, event.owner?.taskId, event.owner?.taskTtlMs, event.owner?.requestId]), [
        [accountLock('a0'), 'transfer_later', taskId, 60_000, undefined],
        [accountLock('a1'), 'transfer_later', taskId, 60_000, undefined],
      ]);
      // The caller stays with the task; on the 2025 stateless path no request carries client info (initialize went to another instance).
      assert.equal(acquired[0]!.owner?.caller, era === 'modern' ? 'task-client/1.0.0' : undefined);
      const status = await server.client.request({ method: 'tasks/get', params: { taskId } }, TASK_DESCRIPTION);
      assert.equal(status.status, 'completed');
    });

    it(`tasks/cancel ends the task's queued lock wait at once and changes nothing (${era})`, async () => {
      const server = await bank(era);
      closers.push(server.close);
      let release!: () => void;
      const held = server.locks.withLock(accountLock('a0'), () => new Promise<void>((resolve) => (release = resolve)), { owner: { label: 'slow audit' } });
      const taskId = await server.startTask({ from: 'a0', to: 'a1', amount: 7, delayMs: 0 });
      await waitUntil(() => server.locks.snapshot().resources.some((resource) => resource.waiters.some((waiter) => waiter.owner?.taskId === taskId)));
      assert.equal(taskLockOwners.size > 0, true);
      await server.client.request({ method: 'tasks/cancel', params: { taskId } }, anyResult);
      await waitUntil(() => server.events.some((event) => event.type === 'aborted'));
      assert.equal(server.events.find((event) => event.type === 'aborted')?.owner?.taskId, taskId);
      assert.deepEqual(server.locks.snapshot().resources.flatMap((resource) => resource.waiters), []);
      release();
      await held;
      assert.deepEqual([server.accounts.get('a0'), server.accounts.get('a1')], [100, 100]);
      assert.equal((await server.client.request({ method: 'tasks/get', params: { taskId } }, TASK_DESCRIPTION)).status, 'cancelled');
    });
  }

  it("warns when a task holds a lock longer than the task's ttl, and not within it", () => {
    const model = new InspectorModel();
    model.addSource({ id: 's', label: 'sdk2', kind: 'external', pid: 1, connectedAtMs: 0 });
    const make = new LockEventFactory();
    const task = (taskId: string) => ({ tool: 'transfer_later', taskId, taskTtlMs: 50 });
    model.ingest('s', [
      make.acquired('account:a0', 1, 1000, 0, task('in-time')),
      make.released('account:a0', 1, 1040, 40, task('in-time')),
      make.acquired('account:a0', 2, 1040, 0, task('overdue')),
      make.released('account:a0', 2, 1120, 80, task('overdue')),
    ]);
    const messages = model.snapshot().warnings.map((warning) => warning.message);
    assert.deepEqual(messages, [
      "Held past its task's ttl: transfer_later task overdue held 'account:a0' for 80 ms, longer than the task's ttl of 50 ms; its result may already be discarded while others wait.",
    ]);
  });
});
