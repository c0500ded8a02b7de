// A one-tool MCP server for server.bench.ts: `bare` answers `touch` directly; `locked` is instrumented and takes a
// lock per call, so lock work, its events and the call events are all paid. Run over stdio as a child process, or
// built in-process with `createBenchToolServer`.
import { writeFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { ResourceLockMap } from '../extension/locks';
import { instrumentMcpServer } from '../extension/mcp/instrumentMcpServer';
import { startProfiler } from './callProfile';

/** Names the file where a server run over stdio writes a CPU profile of everything after its start, as it exits. */
export const PROFILE_FILE_ENV = 'BENCH_SERVER_PROFILE_FILE';

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

/** Serves the bench server over stdio until stdin ends; profiles itself when PROFILE_FILE_ENV names a file. */
async function serveOverStdio(mode: BenchServerMode): Promise<void> {
  const profileFile = process.env[PROFILE_FILE_ENV];
  // Started before connecting, after every import: the profile shows the calls, not the loading of modules.
  const stopProfiler = profileFile === undefined ? undefined : await startProfiler();
  await createBenchToolServer(mode).connect(new StdioServerTransport());
  process.stdin.once('end', async () => {
    if (profileFile !== undefined && stopProfiler !== undefined) writeFileSync(profileFile, JSON.stringify(await stopProfiler()));
    process.exit(0);
  });
}

if (process.argv[1]?.endsWith('benchToolServer.ts')) {
  const mode = process.argv[2];
  if (mode !== 'bare' && mode !== 'locked') {
    process.stderr.write('usage: benchToolServer.ts bare|locked\n');
    process.exit(2);
  }
  void serveOverStdio(mode);
}
