// Starts and stops a throwaway Debian redis-server on a free loopback port, for tests, benches and `npm start`.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTied } from './tiedProcess.mjs';

const READY_LINE = /Ready to accept connections/;
const START_DEADLINE_MS = 10_000;
const STOP_DEADLINE_MS = 5_000;

/** A free TCP port on 127.0.0.1, found by binding port 0 and letting it go. */
export function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts redis-server in a throwaway folder on 127.0.0.1; `stop()` ends it and removes the folder. */
export async function startRedisServer({ persistent = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lock-redis-'));
  const port = await freeLoopbackPort();
  const persistence = persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir];
  let server;
  let pid;
  const launch = async () => {
    server = spawnTied('redis-server', args);
    let log = '';
    await new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`redis-server did not say it was ready within ${START_DEADLINE_MS} ms:\n${log}`)), START_DEADLINE_MS);
      const onOutput = (chunk) => {
        log = (log + chunk).slice(-4000);
        if (!READY_LINE.test(log)) return;
        clearTimeout(deadline);
        resolve();
      };
      server.stdout.on('data', onOutput);
      server.stderr.on('data', onOutput);
      void server.exited.then((code) => {
        clearTimeout(deadline);
        const missing = /not found/.test(log) ? '\nredis-server is not installed: run `npm test` once as root (it installs Debian\'s redis-server), or apt-get install -y redis-server' : '';
        reject(new Error(`redis-server exited (${code}) before it was ready:\n${log}${missing}`));
      });
    });
    pid = await server.pid;
  };
  const end = async (signal) => {
    const running = server;
    server = undefined;
    if (running === undefined) return;
    process.kill(pid, signal);
    const deadline = setTimeout(() => process.kill(pid, 'SIGKILL'), STOP_DEADLINE_MS);
    await running.exited;
    clearTimeout(deadline);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return pid;
    },
    async restart() {
      await end('SIGKILL');
      await launch();
    },
    async stop() {
      await end('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
