// Starts and stops Debian's haproxy as a round-robin HTTP load balancer on loopback, without session affinity.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from './redisServer.mjs';
import { spawnTied } from './tiedProcess.mjs';

const START_DEADLINE_MS = 10_000;

/** The haproxy configuration: one frontend on `port`, round robin over `backends` (no stickiness). */
export function haproxyConfig(port, backends) {
  return [
    'global',
    '  maxconn 4000',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    'frontend mcp',
    `  bind 127.0.0.1:${port}`,
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    ...backends.map(({ name, port: backendPort }) => `  server ${name} 127.0.0.1:${backendPort}`),
    '',
  ].join('\n');
}

/** Starts haproxy in front of `backends` ({ name, port }); resolves once it accepts connections. */
export async function startLoadBalancer(backends) {
  const dir = mkdtempSync(join(tmpdir(), 'lock-haproxy-'));
  const port = await freeLoopbackPort();
  const configFile = join(dir, 'haproxy.cfg');
  writeFileSync(configFile, haproxyConfig(port, backends));
  const server = spawnTied('haproxy', ['-f', configFile, '-db']);
  let log = '';
  server.stdout.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  server.stderr.on('data', (chunk) => (log = (log + chunk).slice(-4000)));
  const exitedEarly = server.exited.then((code) => {
    throw new Error(`haproxy exited (${code}) before it listened:\n${log}${/not found/.test(log) ? '\nhaproxy is not installed: run `npm test` once as root, or apt-get install -y haproxy' : ''}`);
  });
  const pid = await server.pid;
  try {
    await Promise.race([acceptsConnections(port, Date.now() + START_DEADLINE_MS), exitedEarly]);
  } catch (error) {
    await stopQuietly(pid, server.exited);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    async stop() {
      exitedEarly.catch(() => {});
      process.kill(pid, 'SIGTERM');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Kills `pid` unless it already exited, and waits until it has. */
async function stopQuietly(pid, exited) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
  await exited;
}

/** Resolves once 127.0.0.1:`port` accepts a TCP connection; retries until `deadlineMs`. */
async function acceptsConnections(port, deadlineMs) {
  for (;;) {
    const accepted = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadlineMs) throw new Error(`haproxy did not listen on 127.0.0.1:${port} within ${START_DEADLINE_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
