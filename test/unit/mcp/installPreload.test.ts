import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ResourceLockMap } from '../../../extension/locks';
import { installPreload } from '../../../extension/mcp/installPreload';
import { instrumentMcpServer } from '../../../extension/mcp/instrumentMcpServer';
import { instrumentToolCalls } from '../../../extension/mcp/instrumentToolCalls';

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
});
