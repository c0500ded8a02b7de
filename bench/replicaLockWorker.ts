// One replica of the contended-lock bench: like a server handling requests, it takes one hot key, works `holdMs`
// under it, works `thinkMs` outside it, again and again, with one lock library, and prints when each grant was
// asked for and given, as one JSON line. Started three at a time by replicas.bench.ts.
import { createRequire } from 'node:module';
import Redis from 'ioredis';
import { Mutex } from 'redis-semaphore';
import { RedisLockMap } from '../extension/redis';

/** redlock 4 ships no types: the part this bench calls. */
interface Redlock4 {
  lock(resource: string, ttlMs: number): Promise<{ unlock(): Promise<void> }>;
}
type RedlockConstructor = new (clients: readonly Redis[]) => Redlock4;

const [library, url, hotKey, durationText, startAtText, holdText, thinkText] = process.argv.slice(2) as [string, string, string, string, string, string, string];
const work = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const [holdMs, thinkMs] = [Number(holdText), Number(thinkText)];
const epochMs = () => performance.timeOrigin + performance.now();

/** Takes the hot key once (waiting as the library does), works under it, lets it go; resolves with when it was granted. */
async function lockOnceWith(): Promise<(() => Promise<number>) & { close(): Promise<void> }> {
  if (library === 'ours') {
    const locks = await RedisLockMap.connect({ url, replica: `bench-${process.pid}`, timeoutMs: 60_000 });
    return Object.assign(() => locks.withLock(hotKey, async () => {
      const grantedMs = epochMs();
      await work(holdMs);
      return grantedMs;
    }), { close: () => locks.close() });
  }
  const client = new Redis(url);
  if (library === 'redlock') {
    const Redlock = createRequire(__filename)('redlock') as RedlockConstructor;
    // Default retry settings (10 retries, 200 ms apart, 100 ms jitter), as most users run it.
    const redlock = new Redlock([client]);
    return Object.assign(async () => {
      const lock = await redlock.lock(hotKey, 10_000);
      const grantedMs = epochMs();
      await work(holdMs);
      await lock.unlock();
      return grantedMs;
    }, { close: async () => void client.disconnect() });
  }
  return Object.assign(async () => {
    const mutex = new Mutex(client, hotKey, { acquireTimeout: 60_000 });
    await mutex.acquire();
    const grantedMs = epochMs();
    await work(holdMs);
    await mutex.release();
    return grantedMs;
  }, { close: async () => void client.disconnect() });
}

void (async () => {
  const lockOnce = await lockOnceWith();
  // All three workers start together, on the wall clock they share.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtText) - epochMs())));
  const endMs = epochMs() + Number(durationText);
  const grants: [askedMs: number, grantedMs: number][] = [];
  let failures = 0;
  while (epochMs() < endMs) {
    const askedMs = epochMs();
    try {
      grants.push([askedMs, await lockOnce()]);
      await work(thinkMs);
    } catch {
      failures++;
    }
  }
  await lockOnce.close();
  process.stdout.write(`${JSON.stringify({ grants, failures })}\n`);
})();
