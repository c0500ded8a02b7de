// Starts and stops a throwaway Debian redis-server on a free loopback port, for tests, benches and `npm start`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir, '--protected-mode', 'yes'];
  let child;
  let log = '';
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    runningChildren.add(child);
    child.once('exit', () => runningChildren.delete(child));
    await new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`redis-server did not say it was ready within ${START_DEADLINE_MS} ms:\n${log}`)), START_DEADLINE_MS);
      const onOutput = (chunk) => {
        log = (log + chunk).slice(-4000);
        if (READY_LINE.test(log)) {
          clearTimeout(deadline);
          resolve();
        }
      };
      child.stdout.on('data', onOutput);
      child.stderr.on('data', onOutput);
      child.once('error', (error) => {
        clearTimeout(deadline);
        reject(error.code === 'ENOENT' ? new Error('redis-server is not installed: run `npm test` once as root (it installs Debian\'s redis-server), or apt-get install -y redis-server') : error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(deadline);
        reject(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${log}`));
      });
    });
    log = '';
  };
  const end = async (signal) => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    const deadline = setTimeout(() => running.kill('SIGKILL'), STOP_DEADLINE_MS);
    await exited;
    clearTimeout(deadline);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return child.pid;
    },
    /** Kills it (SIGKILL: no shutdown save) and starts it again on the same port and folder. */
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

// Whatever the caller forgets or a crash skips, no redis-server outlives this process.
const runningChildren = new Set();
process.once('exit', () => {
  for (const child of runningChildren) child.kill('SIGKILL');
});
