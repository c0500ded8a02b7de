import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockSnapshot } from '../../../extension/contract/lockEvents';
import { REDIS_URL_SETTING, startRedisSource } from '../../../extension/host/redisSourceStart';
import { InspectorModel } from '../../../extension/inspector/inspectorModel';
import type { RedisLockStateReader } from '../../../extension/inspector/redisLockSource';

/** A connection whose reads fail while `failing()` says so, and what the start told and logged. */
function started(failing: () => boolean) {
  const said = { told: [] as string[], logged: [] as string[] };
  const reader: RedisLockStateReader = {
    read: async (): Promise<LockSnapshot> => {
      if (failing()) throw new Error('NOSCRIPT no such script');
      return { atMs: Date.now(), resources: [] };
    },
    close: async () => undefined,
  };
  const start = (url: string) =>
    startRedisSource(url, new InspectorModel(), 'redis1', { tell: (message) => said.told.push(message), log: (message) => said.logged.push(message) }, async () => reader);
  return { said, start };
}

describe('startRedisSource (lockInspector.redis.url)', () => {
  it('logs that it reads every replica only once a first read worked', async () => {
    const { said, start } = started(() => false);
    const source = await start('redis://127.0.0.1:6379');
    await source?.stop();
    assert.deepEqual(said, { told: [], logged: ['Reading the lock state of every replica from Redis redis://127.0.0.1:6379.'] });
  });

  it('after a failed first read tells the failure and does not log that it reads', async () => {
    const { said, start } = started(() => true);
    const source = await start('redis://127.0.0.1:6379');
    await source?.stop();
    assert.deepEqual(said, { told: ['Could not read the lock state from Redis redis://127.0.0.1:6379: NOSCRIPT no such script. Trying again, at most 10 s apart.'], logged: [] });
  });

  it('tells a URL that is not a redis:// URL and a Redis it cannot reach, naming the setting, and starts nothing', async () => {
    const { said, start } = started(() => false);
    assert.equal(await start('http://127.0.0.1:6379'), undefined);
    assert.equal(await start(''), undefined);
    const unreachable = await startRedisSource('redis://127.0.0.1:1', new InspectorModel(), 'redis2', { tell: (message) => said.told.push(message), log: (message) => said.logged.push(message) }, async () => {
      throw new Error('Could not connect to Redis at redis://127.0.0.1:1: connect ECONNREFUSED.');
    });
    assert.equal(unreachable, undefined);
    assert.deepEqual(said, {
      told: [
        `${REDIS_URL_SETTING}: "http://127.0.0.1:6379" is not a redis:// or rediss:// URL; give one such as redis://127.0.0.1:6379.`,
        `${REDIS_URL_SETTING}: Could not connect to Redis at redis://127.0.0.1:1: connect ECONNREFUSED.`,
      ],
      logged: [],
    });
  });
});
