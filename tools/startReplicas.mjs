// `npm start -- --replicas N`: once the extension in the workbench is active (it publishes its inspector channel in
// the discovery file), starts Redis, N replicas of the bundled server reporting to it, haproxy in front, and the demo
// load through haproxy, so a fresh user sees cross-replica contention in the sidebar and timeline.
import { existsSync, mkdirSync, readFileSync, watch } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { startBalancedDemoLoad } from './balancedDemoLoad.mjs';
import { progress, repoRoot } from './processes.mjs';
import { startReplicatedService } from './replicatedService.mjs';

/** Where the extension publishes its channel (the same place as extension/inspector/hubDiscovery.ts). */
function hubDiscoveryFile() {
  const runtimeDirectory = process.env.XDG_RUNTIME_DIR;
  return runtimeDirectory ? join(runtimeDirectory, 'mcp-lock-inspector', 'hub.json') : join(tmpdir(), `mcp-lock-inspector-${userInfo().uid}`, 'hub.json');
}

/** Resolves with the discovery file's content once it exists. */
function waitForHub() {
  const file = hubDiscoveryFile();
  // A file left by an inspector that is gone names a dead process.
  const readFresh = () => {
    try {
      const hub = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
      return hub && process.kill(hub.pid, 0) ? hub : undefined;
    } catch {
      return undefined;
    }
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  return new Promise((resolve) => {
    const found = readFresh();
    if (found) return resolve(found);
    const watcher = watch(dirname(file), () => {
      const hub = readFresh();
      if (!hub) return;
      watcher.close();
      resolve(hub);
    });
  });
}

/** Starts the replicated demo reporting to the workbench's inspector; resolves with what `stop()` ends. */
export async function startReplicasForInspector(replicas) {
  progress(`--replicas ${replicas}: waiting for the extension to be active (open the URL above) before starting them`);
  const hub = await waitForHub();
  const service = await startReplicatedService({
    serverScript: join(repoRoot, 'dist', 'server.js'),
    replicas,
    serverArgs: ['--latency-ms', '20'],
    env: (name) => ({ ...process.env, MCP_LOCK_INSPECTOR_ADDRESS: hub.address, MCP_LOCK_INSPECTOR_TOKEN: hub.token, MCP_LOCK_INSPECTOR_LABEL: `replica '${name}'`, MCP_LOCK_INSPECTOR_KIND: 'external' }),
  });
  const load = await startBalancedDemoLoad(service.url);
  progress(`${replicas} replicas (${service.replicas.map(({ name, url }) => `${name} ${url}`).join(', ')}) behind haproxy at ${service.url}, Redis at ${service.redis.url}; demo load running through haproxy`);
  return {
    async stop() {
      await load.stop();
      await service.stop();
    },
  };
}
