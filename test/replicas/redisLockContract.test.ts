// The lock contract on the Redis map, against a real redis-server: fake timers drive waits and timeouts, real
// round trips are awaited after every tick. Each test gets its own key prefix, so leftovers never meet.
import { after, before } from 'node:test';
import FakeTimers from '@sinonjs/fake-timers';
import { RedisLockMap } from '../../extension/redis';
import { startRedisServer, type RunningRedisServer } from '../../tools/redisServer.mjs';
import { lockContractSuite, type ContractLockMap } from '../support/lockContractSuite';

let redis: RunningRedisServer;
let lastPrefix = 0;
before(async () => {
  redis = await startRedisServer();
});
after(() => redis.stop());

// Captured before any fake clock: settling waits for real I/O.
const realSetImmediate = setImmediate;

lockContractSuite({
  name: 'Redis',
  create: ({ timeoutMs, longHoldMs }) => RedisLockMap.connect({ url: redis.url, timeoutMs, longHoldMs, keyPrefix: `contract-${++lastPrefix}:`, replica: 'contract' }),
  dispose: (locks) => (locks as RedisLockMap).close(),
  // setImmediate stays real: node-redis writes commands from it.
  installClock: () => FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] }),
  settle: async (locks: ContractLockMap, clock) => {
    const map = locks as RedisLockMap;
    // Until nothing is in flight twice in a row: a reply may start the next command (release after the work).
    for (let quietRounds = 0; quietRounds < 2; ) {
      await map.idle();
      await new Promise((resolve) => realSetImmediate(resolve));
      await clock.tickAsync(0);
      quietRounds = map.inFlightCount === 0 ? quietRounds + 1 : 0;
    }
  },
  timersWhileBusy: 1,
  idleWaitTimers: 0,
});
