import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ResourceLockMap } from '../../../extension/locks';
import { installPreload } from '../../../extension/mcp/installPreload';
import { instrumentMcpServer } from '../../../extension/mcp/instrumentMcpServer';
import { instrumentToolCalls } from '../../../extension/mcp/instrumentToolCalls';
import { CHANNEL_ENV } from '../../../extension/contract/wireFormat';
import { preloadBundles } from '../../support/fileStoreFixture';

describe('the preload', () => {
  it('does nothing at all without an inspector in the environment', () => {
    const readFile = fs.promises.readFile;
    const hooks = Object.getOwnPropertySymbols(globalThis).length;
    assert.equal(installPreload({ PATH: '/usr/bin' }), false);
    assert.equal(fs.promises.readFile, readFile);
    assert.equal(Object.getOwnPropertySymbols(globalThis).length, hooks);
  });

  it('leaves a server alone that its own code instrumented, and instruments any other once', () => {
    const instrumented = new McpServer({ name: 'own', version: '1.0.0' });
    instrumentMcpServer(instrumented, new ResourceLockMap(), { reporter: null });
    const scope = { reporter: undefined, connectionId: () => undefined };
    assert.equal(instrumentToolCalls(instrumented.server, scope), undefined);
    const plain = new McpServer({ name: 'plain', version: '1.0.0' });
    assert.ok(instrumentToolCalls(plain.server, scope) instanceof Map);
    assert.equal(instrumentToolCalls(plain.server, scope), undefined);
  });

  it("prints nothing of its own on this Node: no deprecation of the module hooks it uses (module.registerHooks where Node has it)", async () => {
    const { esm } = await preloadBundles();
    const run = spawnSync(process.execPath, ['--import', esm, '--input-type=module', '-e', "await import('node:fs/promises')"], {
      env: { PATH: process.env['PATH'] ?? '', [CHANNEL_ENV.address]: '/nonexistent/hub.sock' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
  });
});
