import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LockInspectorApi } from '../../../extension/host/api';
import { describeOwner } from '../../../extension/contract/describe';
import { REPLICAS_SOURCE_ID } from '../../../extension/contract/inspectorSnapshot';
import { RedisLockMap } from '../../../extension/redis';
import { startRedisServer, type RunningRedisServer } from '../../../tools/redisServer.mjs';
import { connectedSource, lockInspectorApi, waitFor } from './lockInspectorTestKit';

// lockInspector.redis.url against a real redis-server: a replica that does not report to the inspector holds a lock,
// and the extension, reading Redis, shows it merged with the replicas (issue 15).
describe('the redis source (lockInspector.redis.url)', function () {
  this.timeout(60_000);
  let api: LockInspectorApi;
  let redis: RunningRedisServer;
  let quiet: RedisLockMap | undefined;
  const setting = () => vscode.workspace.getConfiguration('lockInspector.redis');

  before(async () => {
    api = await lockInspectorApi();
    redis = await startRedisServer();
  });

  after(async () => {
    await setting().update('url', undefined, vscode.ConfigurationTarget.Global);
    await quiet?.close();
    await redis?.stop();
  });

  it('shows what a replica that does not report holds, read from Redis, and stops reading when the setting is cleared', async () => {
    quiet = await RedisLockMap.connect({ url: redis.url, replica: 'quiet' });
    let release!: () => void;
    const held = quiet.withLock('account:zed', () => new Promise<void>((resolve) => (release = resolve)), { owner: { tool: 'transfer', requestId: 5 } });
    await quiet.idle();
    await setting().update('url', redis.url, vscode.ConfigurationTarget.Global);
    const row = await waitFor(api, 'the holder Redis has', () => api.snapshot().resources.find((resource) => resource.id === 'account:zed' && resource.holders.length === 1));
    assert.equal(describeOwner(row.holders[0]?.owner, row.holders[0]?.chainId), "transfer #5 on replica 'quiet'");
    assert.equal(row.sourceId, REPLICAS_SOURCE_ID, 'merged with the replicas');
    assert.match(connectedSource(api.snapshot(), 'redis')?.label ?? '', /^Redis redis:\/\/127\.0\.0\.1:\d+$/);
    release();
    await held;
    await waitFor(api, 'the release read (once a second)', () => !api.snapshot().resources.some((resource) => resource.id === 'account:zed' && resource.holders.length > 0));
    await setting().update('url', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(api, 'the redis source gone', () => connectedSource(api.snapshot(), 'redis') === undefined);
  });
});
