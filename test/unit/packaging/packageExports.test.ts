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

describe('package exports mcp-lock-inspector/locks and mcp-lock-inspector/mcp from plain Node', () => {
  before(async () => {
    mkdirSync(installedDir, { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(installedDir, 'package.json'));
    const { dependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(dependencies)) {
      const link = join(consumerDir, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', name), link);
    }
    await buildBundles(['locksCjs', 'locksEsm', 'mcpCjs', 'mcpEsm'], { outdir: join(installedDir, 'dist') });
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
});
