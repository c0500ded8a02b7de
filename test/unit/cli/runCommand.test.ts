import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { hubDiscoveryFile, readHubDiscovery, writeHubDiscovery } from '../../../extension/inspector/hubDiscovery';
import { buildBundles } from '../../../tools/bundles.mjs';
import { fileStoreServerFolder } from '../../support/fileStoreFixture';
import { startTestHub, type TestHub } from '../../support/testHub';

/** Runs `node cli.js args` with `input` on stdin; resolves with its stdout bytes and exit code. */
function runCli(cli: string, args: readonly string[], input: Buffer, env: NodeJS.ProcessEnv): Promise<{ stdout: Buffer; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ stdout: Buffer.concat(chunks), code }));
    child.stdin.end(input);
  });
}

describe('mcp-lock-inspector run', () => {
  let cli: string;
  let hub: TestHub;
  const folder = mkdtempSync(join(tmpdir(), 'lock-run-'));
  const runtimeEnv = { PATH: process.env['PATH'] ?? '', XDG_RUNTIME_DIR: join(folder, 'runtime') };
  before(async () => {
    const outdir = join(folder, 'dist');
    await buildBundles(['cli', 'registerEsm', 'preloadActiveEsm'], { outdir });
    cli = join(outdir, 'cli.js');
    hub = await startTestHub();
  });
  after(async () => {
    await hub.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it('passes stdin and stdout through byte for byte and exits with the server’s code', async () => {
    // Every byte value, invalid UTF-8 and lone newlines included, in more than one pipe buffer.
    const input = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)), randomBytes(300_000), Buffer.from('\r\n\n\u0000')]);
    const echo = ['run', '--', process.execPath, '-e', 'process.stdin.pipe(process.stdout); process.stdin.on("end", () => { process.exitCode = 7; })'];
    const { stdout, code } = await runCli(cli, echo, input, runtimeEnv);
    assert.equal(code, 7);
    assert.ok(stdout.equals(input), `got ${stdout.length} bytes for ${input.length}`);
  });

  it('finds the running inspector through its 0600 discovery file and ignores a stale or readable one', () => {
    const remove = writeHubDiscovery({ address: hub.address, token: 't', pid: process.pid }, runtimeEnv);
    const file = hubDiscoveryFile(runtimeEnv);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(runtimeEnv.XDG_RUNTIME_DIR, 'mcp-lock-inspector')).mode & 0o777, 0o700);
    assert.deepEqual(readHubDiscovery(runtimeEnv), { address: hub.address, token: 't', pid: process.pid });
    chmodSync(file, 0o644);
    assert.equal(readHubDiscovery(runtimeEnv), undefined, 'a file others can read is not trusted');
    remove();
    writeHubDiscovery({ address: hub.address, token: 't', pid: 2 ** 22 + 12345 }, runtimeEnv);
    assert.equal(readHubDiscovery(runtimeEnv), undefined, 'the inspector that wrote it is gone');
    writeHubDiscovery({ address: join(folder, 'no-such.sock'), token: 't', pid: process.pid }, runtimeEnv);
    assert.equal(readHubDiscovery(runtimeEnv), undefined, 'its socket is gone');
  });

  it('wraps an unmodified server in a client’s config: its lost updates reach the discovered inspector', async () => {
    const remove = writeHubDiscovery({ address: hub.address, token: 'discovered', pid: process.pid }, runtimeEnv);
    const serverFolder = await fileStoreServerFolder();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'run', '--label', 'wrapped store', '--', process.execPath, 'server.js'],
      cwd: serverFolder,
      env: { ...runtimeEnv, STORE_FILE: join(folder, 'store.json') },
      stderr: 'inherit',
    });
    const client = new Client({ name: 'run-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      await Promise.all(Array.from({ length: 10 }, (_, index) => client.callTool({ name: 'addItem', arguments: { item: `item ${index}` } })));
      await hub.waitFor(() => hub.events().filter((event) => event.type === 'callEnded').length === 10, 'the ends of the 10 calls from the wrapped server');
      const kept = (JSON.parse(readFileSync(join(folder, 'store.json'), 'utf8')) as string[]).length;
      assert.ok(kept < 10);
      assert.equal(hub.events().filter((event) => event.type === 'lostUpdate').length, 10 - kept);
      const hello = hub.messages.find((message) => message.type === 'hello' && message.label === 'wrapped store');
      assert.ok(hello?.type === 'hello');
      assert.equal(hello.token, 'discovered');
      assert.equal(hello.kind, 'external');
    } finally {
      await client.close();
      remove();
    }
  });
});
