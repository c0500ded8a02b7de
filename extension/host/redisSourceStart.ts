import type { InspectorSink } from '../inspector/inspectorHub';
import { RedisLockSource, redisSourceLabel, redisUrlProblem, type RedisLockStateReader } from '../inspector/redisLockSource';
import { connectRedisLockState } from '../redis/redisLockStateReader';

/** The setting that names the Redis whose lock state the inspector reads (empty: none). */
export const REDIS_URL_SETTING = 'lockInspector.redis.url';

/** Where starting a redis source speaks: `tell` what the user must see, `log` what only goes on record. */
export interface RedisSourceVoices {
  readonly tell: (message: string) => void;
  readonly log: (message: string) => void;
}

/**
 * Starts a `redis` source `sourceId` reading the Redis at `url` (the setting's value; empty: none). A bad URL, a Redis
 * that cannot be reached and failed reads are told; that it reads every replica's lock state is logged only once a
 * first read worked, and so is reading again after failures. Resolves with the source, or undefined when none runs.
 */
export async function startRedisSource(
  url: string,
  model: InspectorSink,
  sourceId: string,
  voices: RedisSourceVoices,
  connect: (url: string) => Promise<RedisLockStateReader> = connectRedisLockState,
): Promise<RedisLockSource | undefined> {
  if (url === '') return undefined;
  const problem = redisUrlProblem(url);
  if (problem !== undefined) {
    voices.tell(`${REDIS_URL_SETTING}: ${problem}.`);
    return undefined;
  }
  const label = redisSourceLabel(url);
  try {
    let readFailed = false;
    const source = new RedisLockSource(await connect(url), model, { id: sourceId, label }, {
      onProblem: (message) => {
        if (message === undefined) return voices.log(`Reading ${label} again.`);
        readFailed = true;
        voices.tell(message);
      },
    });
    // The first read's failure is told, and start() resolves all the same: it does not read yet.
    await source.start();
    if (!readFailed) voices.log(`Reading the lock state of every replica from ${label}.`);
    return source;
  } catch (error) {
    voices.tell(`${REDIS_URL_SETTING}: ${(error as Error).message}`);
    return undefined;
  }
}
