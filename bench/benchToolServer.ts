// A one-tool MCP server for server.bench.ts: `bare` answers `touch` directly; `locked` is instrumented and takes a
// lock per call, so lock work, its events and the call events are all paid. Run over stdio as a child process, or
// built in-process with `createBenchToolServer`.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { ResourceLockMap } from '../extension/locks';
import { instrumentMcpServer } from '../extension/mcp/instrumentMcpServer';

/** `bare`: no lock library at all; `locked`: instrumentation plus one withLock per call. */
export type BenchServerMode = 'bare' | 'locked';

const answer: CallToolResult = { content: [{ type: 'text', text: 'ok' }] };

/** The bench server, not yet connected. */
export function createBenchToolServer(mode: BenchServerMode): McpServer {
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  const locks = mode === 'locked' ? new ResourceLockMap() : undefined;
  if (locks) instrumentMcpServer(server, locks, { sessionLabel: 'bench' });
  server.registerTool('touch', { inputSchema: { id: z.string() } }, async ({ id }) => (locks ? locks.withLock(id, () => answer) : answer));
  return server;
}

if (process.argv[1]?.endsWith('benchToolServer.ts')) {
  const mode = process.argv[2];
  if (mode !== 'bare' && mode !== 'locked') {
    process.stderr.write('usage: benchToolServer.ts bare|locked\n');
    process.exit(2);
  }
  void createBenchToolServer(mode).connect(new StdioServerTransport());
  process.stdin.once('end', () => process.exit(0));
}
