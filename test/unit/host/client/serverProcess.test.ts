import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ServerProcess, type ServerLaunch } from '../../../../extension/host/client/serverProcess';

const fixture = fileURLToPath(new URL('./fixtures/stdioServer.mjs', import.meta.url));
const clientInfo = { name: 'test', version: '0' };

function launch(...flags: string[]): ServerLaunch {
  return { command: process.execPath, args: [fixture, ...flags], env: process.env };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `probe` every 20 ms until it returns a value, for up to 2 s (process ends are observed, not timed). */
async function eventually<T>(probe: () => T | undefined): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('gave up waiting');
}

test('connects an MCP client, and stop() leaves no process', async () => {
  const server = await ServerProcess.start(launch(), { clientInfo });
  const { tools } = await server.client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name).sort(), ['crash', 'echo']);
  const exit = await server.stop();
  assert.equal(exit.code, 0);
  assert.equal(isRunning(server.pid), false);
});

test('a server that exits on the 2026-07-28 probe is started again and spoken to with the 2025 handshake', async () => {
  const stderr: string[] = [];
  const server = await ServerProcess.start(launch('--exit-before-initialize'), { clientInfo, onStderrLine: (line) => stderr.push(line) });
  try {
    assert.deepEqual(stderr, ['refusing a request before initialize'], 'the first process refused the probe');
    assert.match(server.client.getNegotiatedProtocolVersion() ?? '', /^2025-/);
    assert.equal((await server.client.callTool({ name: 'echo', arguments: {} })).isError, undefined);
  } finally {
    await server.stop();
  }
});

test('a server that ignores stdin EOF and SIGTERM is killed', async () => {
  const server = await ServerProcess.start(launch('--keep-running'), { clientInfo });
  const exit = await server.stop(200);
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(isRunning(server.pid), false);
});

test('a crash reports the exit code and the last stderr lines', async () => {
  const server = await ServerProcess.start(launch(), { clientInfo });
  await assert.rejects(server.client.callTool({ name: 'crash', arguments: {} }));
  const exit = await server.exited;
  assert.equal(exit.code, 3);
  assert.match(exit.stderrTail.join('\n'), /the ledger is corrupt/);
});

test('a server that dies before the handshake fails start() with its stderr', async () => {
  await assert.rejects(ServerProcess.start(launch('--exit-at-once'), { clientInfo }), /exit code 7[\s\S]*boom: missing configuration/);
});

test('a command that does not exist fails with a clear message', async () => {
  await assert.rejects(
    ServerProcess.start({ command: 'no-such-mcp-server-command', args: [], env: process.env }, { clientInfo }),
    /Could not start `no-such-mcp-server-command`.*ENOENT/,
  );
});

test('stop() also ends what the server spawned', { skip: process.platform === 'win32' }, async () => {
  const stderr: string[] = [];
  const server = await ServerProcess.start(launch('--spawn-grandchild'), { clientInfo, onStderrLine: (line) => stderr.push(line) });
  const grandchildPid = await eventually(() => Number(/grandchild (\d+)/.exec(stderr.join('\n'))?.[1]) || undefined);
  assert.ok(isRunning(grandchildPid));
  await server.stop();
  // The grandchild was SIGKILLed; its parent is gone, so init reaps it a moment later.
  await eventually(() => !isRunning(grandchildPid) || undefined).catch(() => undefined);
  assert.equal(isRunning(grandchildPid), false);
});
