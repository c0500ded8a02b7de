import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { activateLockInspector, unregisteredContributedCommands } from '../harness/lockInspectorExtension';

// Compiled to out/test/vscode-installed/suite/, four levels below the repository.
const repoRoot = resolve(__dirname, '..', '..', '..', '..');

describe('the installed .vsix', () => {
  it('activates from the extensions folder, not the development path', async () => {
    const extension = await activateLockInspector();
    assert.equal(extension.isActive, true);
    assert.ok(!extension.extensionPath.startsWith(repoRoot), `expected an installed copy, got ${extension.extensionPath}`);
    assert.match(basename(extension.extensionPath), /^mcp-lock-inspector\.mcp-lock-inspector-\d+\.\d+\.\d+/);
  });

  it('ships the bundles without sources or node_modules', async () => {
    const { extensionPath } = await activateLockInspector();
    assert.ok(existsSync(join(extensionPath, 'dist', 'extension.js')), 'dist/extension.js is missing from the vsix');
    for (const unwanted of ['node_modules', 'extension', 'test', 'tsconfig.json']) {
      assert.ok(!existsSync(join(extensionPath, unwanted)), `${unwanted} should not be in the vsix`);
    }
  });

  it('registers every contributed command', async () => {
    assert.deepEqual(await unregisteredContributedCommands(await activateLockInspector()), []);
  });

  it('runs the bundled MCP server from the installed copy alone (no node_modules anywhere above it)', async () => {
    const { extensionPath } = await activateLockInspector();
    const serverBundle = join(extensionPath, 'dist', 'server.js');
    assert.ok(existsSync(serverBundle), 'dist/server.js is missing from the vsix');
    const client = new Client({ name: 'installed-vsix-test', version: '0.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [serverBundle], cwd: extensionPath, stderr: 'pipe' }));
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.length > 0, 'the bundled server lists no tools');
    } finally {
      await client.close();
    }
  });
});
