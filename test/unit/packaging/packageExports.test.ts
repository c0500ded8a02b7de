import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildBundles } from '../../../tools/bundles.mjs';

const repoRoot = resolve(__dirname, '../../..');
// Installed the way npm would, in a folder outside the repo (inside it, Node would resolve the package's own name
// to the repo itself): the package with its dist/, beside links to its dependencies.
const consumerDir = mkdtempSync(join(tmpdir(), 'lock-inspector-exports-'));
const installedDir = join(consumerDir, 'node_modules', 'mcp-lock-inspector');

const TSC = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** Type-checks a TypeScript file in the consumer folder the way a Node16 project would (skipLibCheck: the SDK's own declarations do not pass Node16 checks); returns tsc's diagnostics. */
async function typeCheckConsumer(fileName: string, source: string): Promise<string> {
  writeFileSync(join(consumerDir, fileName), source);
  const args = [TSC, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--types', 'node', '--skipLibCheck', fileName];
  return promisify(execFile)(process.execPath, args, { cwd: consumerDir }).then(
    () => '',
    (error: { stdout: string }) => error.stdout,
  );
}

/** Runs a script in a plain Node process from the consumer folder and returns what it printed as JSON. */
async function runConsumer(fileName: string, source: string): Promise<unknown> {
  writeFileSync(join(consumerDir, fileName), source);
  const { stdout } = await promisify(execFile)(process.execPath, [fileName], { cwd: consumerDir });
  return JSON.parse(stdout);
}

// Checks the owner set through `/mcp` reaches a lock map created from `/locks`: one lock context, not two copies.
const probe = (load: string) => `${load}
const locks = new ResourceLockMap({ timeoutMs: 1000 });
runWithLockContext({ owner: { tool: 'transfer', requestId: 7 } }, () =>
  locks.withLock('account:alice', async () => locks.snapshot()),
).then((snapshot) => console.log(JSON.stringify({
  owner: snapshot.resources[0].holders[0].owner,
  sameClass: ResourceLockMap === mcp.ResourceLockMap,
  instrument: typeof mcp.instrumentMcpServer,
})));
`;

// Instruments an SDK 2.x server in a consumer that has no SDK 1.x: `/mcp` must load and work without it.
const sdk2Probe = (load: string) => `${load}
const locks = new ResourceLockMap();
const owners = [];
locks.subscribe((event) => event.type === 'acquired' && owners.push(event.owner));
const server = new McpServer({ name: 'sdk2-consumer', version: '1.0.0' });
instrumentMcpServer(server, locks, { reporter: null });
server.registerTool('touch', {}, async () => locks.withLock('k', () => ({ content: [{ type: 'text', text: 'ok' }] })));
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
const client = new Client({ name: 'consumer', version: '1.0.0' });
server.connect(serverSide).then(() => client.connect(clientSide)).then(() => client.callTool({ name: 'touch', arguments: {} })).then(async () => {
  let sdk1 = 'absent';
  await import('@modelcontextprotocol/sdk/server/mcp.js').then(() => (sdk1 = 'present'), () => undefined);
  console.log(JSON.stringify({ tool: owners[0]?.tool, sdk1 }));
  await client.close();
});
`;

describe('package exports mcp-lock-inspector/locks and mcp-lock-inspector/mcp from plain Node', () => {
  before(async () => {
    mkdirSync(installedDir, { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(installedDir, 'package.json'));
    const { dependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // @types/node too, for the TypeScript consumer below; SDK 2.x only (no @modelcontextprotocol/sdk), as its users have it.
    for (const name of [...Object.keys(dependencies), '@types/node', '@modelcontextprotocol/server', '@modelcontextprotocol/client']) {
      const link = join(consumerDir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', name), link);
    }
    await Promise.all([
      buildBundles(['locksCjs', 'locksEsm', 'mcpCjs', 'mcpEsm'], { outdir: join(installedDir, 'dist') }),
      // The declarations `npm pack` ships (script build:types), written into the installed copy.
      promisify(execFile)(process.execPath, [TSC, '-p', join(repoRoot, 'tools', 'tsconfig.types.json'), '--outDir', join(installedDir, 'dist', 'types')]),
    ]);
  });

  it('require() gives one lock library through both entry points', async () => {
    const result = await runConsumer(
      'probe.cjs',
      probe(`const { ResourceLockMap } = require('mcp-lock-inspector/locks');
const mcp = require('mcp-lock-inspector/mcp');
const { runWithLockContext } = mcp;`),
    );
    assert.deepEqual(result, { owner: { tool: 'transfer', requestId: 7 }, sameClass: true, instrument: 'function' });
  });

  it('import gives one lock library through both entry points', async () => {
    const result = await runConsumer(
      'probe.mjs',
      probe(`import { ResourceLockMap } from 'mcp-lock-inspector/locks';
import * as mcp from 'mcp-lock-inspector/mcp';
const { runWithLockContext } = mcp;`),
    );
    assert.deepEqual(result, { owner: { tool: 'transfer', requestId: 7 }, sameClass: true, instrument: 'function' });
  });

  it('instruments an SDK 2.x server from require() and import without SDK 1.x installed', async () => {
    const required = await runConsumer(
      'sdk2.cjs',
      sdk2Probe(`const { ResourceLockMap, instrumentMcpServer } = require('mcp-lock-inspector/mcp');
const { McpServer, InMemoryTransport } = require('@modelcontextprotocol/server');
const { Client } = require('@modelcontextprotocol/client');`),
    );
    assert.deepEqual(required, { tool: 'touch', sdk1: 'absent' });
    const imported = await runConsumer(
      'sdk2.mjs',
      sdk2Probe(`import { ResourceLockMap, instrumentMcpServer } from 'mcp-lock-inspector/mcp';
import { McpServer, InMemoryTransport } from '@modelcontextprotocol/server';
import { Client } from '@modelcontextprotocol/client';`),
    );
    assert.deepEqual(imported, { tool: 'touch', sdk1: 'absent' });
  });

  it('ships declarations that type a TypeScript consumer, and catch a wrong call', async () => {
    const consumer = (mode: string) => `import { ResourceLockMap, type LockEvent } from 'mcp-lock-inspector/locks';
import { instrumentMcpServer, type InspectorEvent } from 'mcp-lock-inspector/mcp';
const locks = new ResourceLockMap({ timeoutMs: 1000 });
const seen: Array<LockEvent | InspectorEvent> = [];
locks.subscribe((event) => seen.push(event));
export const doubled: Promise<number> = locks.withLock('account:alice', async () => 2, { mode: '${mode}' });
export const instrument: typeof instrumentMcpServer = instrumentMcpServer;
`;
    assert.equal(await typeCheckConsumer('consumer.mts', consumer('read')), '');
    assert.match(await typeCheckConsumer('wrongConsumer.mts', consumer('exclusive')), /wrongConsumer\.mts\(6,\d+\): error TS2322: Type '"exclusive"' is not assignable/);
  });
});
