import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRedisServer, type RunningRedisServer } from '../../tools/redisServer.mjs';
import { auditTotal, connectStdio } from '../mcp/serverProcess';

describe('idempotency keys with --redis', () => {
  let redis: RunningRedisServer;
  before(async () => {
    redis = await startRedisServer();
  });
  after(() => redis.stop());

  it('a call retried on another replica with the same key is applied once and gets the first answer', async () => {
    const first = await connectStdio(['--redis', redis.url, '--replica', 'a']);
    const second = await connectStdio(['--redis', redis.url, '--replica', 'b']);
    try {
      const answer = await first.call('deposit', { account: 'shared', amount: 25, idempotencyKey: 'replica-retry-1' });
      const retried = await second.call('deposit', { account: 'shared', amount: 25, idempotencyKey: 'replica-retry-1' });
      assert.deepEqual(retried.structuredContent, answer.structuredContent);
      const reused = await second.call('deposit', { account: 'shared', amount: 99, idempotencyKey: 'replica-retry-1' });
      assert.match((reused.content[0] as { text: string }).text, /already used by another call/);
      assert.equal(await auditTotal(second.call), 25);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
