// `mcp-lock-inspector/redis` as a user installs it (bundles in dist/, node-redis beside it as the peer dependency),
// against a real redis-server: it shares one lock context and one set of error classes with `mcp-lock-inspector/locks`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildBundles } from '../../tools/bundles.mjs';
import { startRedisServer, type RunningRedisServer } from '../../tools/redisServer.mjs';

const repoRoot = resolve(__dirname, '../..');
// Outside the repo, or Node would resolve the package's own name to the repo itself.
const consumerDir = mkdtempSync(join(tmpdir(), 'lock-inspector-redis-'));
const installedDir = join(consumerDir, 'node_modules', 'mcp-lock-inspector');

const probe = (load: string, url: string) => `${load}
RedisLockMap.connect({ url: ${JSON.stringify(url)}, replica: 'consumer' }).then(async (map) => {
  const owners = [];
  map.subscribe((event) => event.type === 'acquired' && owners.push(event.owner));
  const token = await locks.runWithLockContext({ owner: { tool: 'transfer', requestId: 7 } }, () => map.withLock('account:alice', (grant) => grant.fencingToken('account:alice')));
  await map.close();
  console.log(JSON.stringify({ owner: owners[0], tokenIsNumber: typeof token === 'number', sameErrors: redis.LockTimeoutError === locks.LockTimeoutError }));
});
`;

async function runConsumer(fileName: string, source: string): Promise<unknown> {
  writeFileSync(join(consumerDir, fileName), source);
  const { stdout } = await promisify(execFile)(process.execPath, [fileName], { cwd: consumerDir });
  return JSON.parse(stdout);
}

describe('package export mcp-lock-inspector/redis', () => {
  let redis: RunningRedisServer;
  before(async () => {
    redis = await startRedisServer();
    mkdirSync(installedDir, { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(installedDir, 'package.json'));
    for (const name of ['redis', '@redis']) {
      const link = join(consumerDir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', name), link);
    }
    await buildBundles(['locksCjs', 'locksEsm', 'redisCjs', 'redisEsm'], { outdir: join(installedDir, 'dist') });
  });
  after(async () => {
    await redis.stop();
    rmSync(consumerDir, { recursive: true, force: true });
  });

  const expected = { owner: { tool: 'transfer', requestId: 7 }, tokenIsNumber: true, sameErrors: true };

  it('require() gives a Redis lock map that sees the owner set through /locks, with the same error classes', async () => {
    const result = await runConsumer('probe.cjs', probe(`const redis = require('mcp-lock-inspector/redis');
const locks = require('mcp-lock-inspector/locks');
const { RedisLockMap } = redis;`, redis.url));
    assert.deepEqual(result, expected);
  });

  it('import does the same', async () => {
    const result = await runConsumer('probe.mjs', probe(`import * as redis from 'mcp-lock-inspector/redis';
import * as locks from 'mcp-lock-inspector/locks';
const { RedisLockMap } = redis;`, redis.url));
    assert.deepEqual(result, expected);
  });
});
