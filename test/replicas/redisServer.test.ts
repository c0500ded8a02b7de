// The Redis the replica tests start: a real redis-server on loopback, restartable with its data, gone after stop().
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { startRedisServer, type RunningRedisServer } from '../../tools/redisServer.mjs';

describe('test Redis server', () => {
  let redis: RunningRedisServer;
  before(async () => {
    redis = await startRedisServer({ persistent: true });
  });
  after(() => redis.stop());

  it('answers on loopback, keeps its data across a kill -9 restart, and leaves no process or folder after stop', async () => {
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    assert.equal(await client.ping(), 'PONG');
    await client.set('kept', 'yes');
    const firstPid = redis.pid;
    await redis.restart();
    assert.notEqual(redis.pid, firstPid);
    assert.equal(await client.get('kept'), 'yes');
    client.destroy();

    const lastPid = redis.pid!;
    await redis.stop();
    assert.throws(() => process.kill(lastPid, 0), { code: 'ESRCH' });
    assert.equal(existsSync(redis.dir), false);
  });
});
