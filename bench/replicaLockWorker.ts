// One replica of the contended-lock bench: like a server handling requests, each of its `callers` concurrent callers
// (parallel tool calls) takes one hot key, works `holdMs` under it, works `thinkMs` outside it, again and again, with
// one lock library; it prints when each grant was asked for, given and done with, as one JSON line, with the PING round
// trips it timed before each ask on a connection of its own (the unit, under the same load). Started three
// at a time by replicas.bench.ts. With `burst` for the duration, each caller takes the key once, all at the start: a
// client's burst of parallel tool calls on one account. Library `token` is the push floor, not a contestant: a token in a
// Redis list taken with BLPOP and put back with LPUSH (Redis wakes blocked clients first come, first served), the least
// any push-woken lock pays for a hand-over, with no lease, fencing, owner or deadlock detection.
import { createRequire } from 'node:module';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { Mutex } from 'redis-semaphore';
import { RedisLockMap } from '../extension/redis';

/** redlock 4 ships no types: the part this bench calls. */
interface Redlock4 {
  lock(resource: string, ttlMs: number): Promise<{ unlock(): Promise<void> }>;
}
type RedlockConstructor = new (clients: readonly Redis[]) => Redlock4;

const [library, url, hotKey, durationText, startAtText, holdText, thinkText, callersText] = process.argv.slice(2) as [string, string, string, string, string, string, string, string];
const work = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const [holdMs, thinkMs] = [Number(holdText), Number(thinkText)];
const burst = durationText === 'burst';
const epochMs = () => performance.timeOrigin + performance.now();

/** When a grant came and when its work under the lock ended (the release starts then). */
type Grant = readonly [grantedMs: number, doneMs: number];

/** The work under the lock: `holdMs`, timed from the grant to the moment the release begins. */
async function underLock(): Promise<Grant> {
  const grantedMs = epochMs();
  await work(holdMs);
  return [grantedMs, epochMs()];
}

/** Takes the hot key once (waiting as the library does), works under it, lets it go; resolves with its grant. */
async function lockOnceWith(): Promise<(() => Promise<Grant>) & { close(): Promise<void> }> {
  if (library === 'ours') {
    const locks = await RedisLockMap.connect({ url, replica: `bench-${process.pid}`, timeoutMs: 60_000 });
    return Object.assign(() => locks.withLock(hotKey, underLock), { close: () => locks.close() });
  }
  if (library === 'token') {
    // A blocked BLPOP holds its connection: one per caller, taken from this pool for each call.
    const connections = await Promise.all(Array.from({ length: Number(callersText) }, async () => {
      const connection = createClient({ url, commandOptions: { timeout: 0 } });
      await connection.connect();
      return connection;
    }));
    const idle = [...connections];
    return Object.assign(async () => {
      const connection = idle.pop()!;
      try {
        // Waits as long as the other libraries' timeouts (60 s), then fails the call rather than hang the bench.
        if ((await connection.blPop(hotKey, 60)) === null) throw new Error('no token within 60 s');
        const grant = await underLock();
        await connection.lPush(hotKey, 'token');
        return grant;
      } finally {
        idle.push(connection);
      }
    }, { close: async () => connections.forEach((connection) => connection.destroy()) });
  }
  const client = new Redis(url);
  if (library === 'redlock') {
    const Redlock = createRequire(__filename)('redlock') as RedlockConstructor;
    // Default retry settings (10 retries, 200 ms apart, 100 ms jitter), as most users run it.
    const redlock = new Redlock([client]);
    return Object.assign(async () => {
      const lock = await redlock.lock(hotKey, 10_000);
      const grant = await underLock();
      await lock.unlock();
      return grant;
    }, { close: async () => void client.disconnect() });
  }
  return Object.assign(async () => {
    const mutex = new Mutex(client, hotKey, { acquireTimeout: 60_000 });
    await mutex.acquire();
    const grant = await underLock();
    await mutex.release();
    return grant;
  }, { close: async () => void client.disconnect() });
}

void (async () => {
  const lockOnce = await lockOnceWith();
  // The same client for every library: the round trip is the unit, not a contestant.
  const pinger = createClient({ url, commandOptions: { timeout: 0 } });
  await pinger.connect();
  const pingsMs: number[] = [];
  // All three workers start together, on the wall clock they share.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtText) - epochMs())));
  const endMs = burst ? 0 : epochMs() + Number(durationText);
  const grants: [askedMs: number, grantedMs: number, doneMs: number][] = [];
  let failures = 0;
  // Only the first caller pings, so round trips never queue behind each other on the one connection.
  const caller = async (index: number): Promise<void> => {
    do {
      try {
        if (!burst && index === 0) {
          // Before asking, a think time after this caller's last release: a round trip under the run's load, not one
          // queued behind the hand-over this caller just started.
          const pingedMs = epochMs();
          await pinger.ping();
          pingsMs.push(epochMs() - pingedMs);
        }
        const askedMs = epochMs();
        grants.push([askedMs, ...(await lockOnce())]);
        if (burst) return;
        await work(thinkMs);
      } catch {
        failures++;
      }
    } while (epochMs() < endMs);
  };
  await Promise.all(Array.from({ length: Number(callersText) }, (_, index) => caller(index)));
  await lockOnce.close();
  pinger.destroy();
  process.stdout.write(`${JSON.stringify({ grants, failures, pingsMs })}\n`);
})();
