// Child process of promptExit.test.ts: a user's stdio MCP server, instrumented with the reporter from the environment,
// that ends the moment its client closes stdin: with process.exit (EXIT_MODE=exit) or by running out of work (natural).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import * as z from 'zod';
import { ResourceLockMap } from '../../../extension/locks';
import { instrumentMcpServer } from '../../../extension/mcp/instrumentMcpServer';

async function main(): Promise<void> {
  const locks = new ResourceLockMap({ timeoutMs: 5000 });
  const server = new McpServer({ name: 'prompt-exit', version: '1.0.0' });
  instrumentMcpServer(server, locks);
  server.registerTool('bump', { inputSchema: { key: z.string() } }, async ({ key }) => locks.withLock(key, async () => ({ content: [{ type: 'text', text: 'bumped' }] })));
  await server.connect(new StdioServerTransport());
  if (process.env.EXIT_MODE === 'exit') process.stdin.once('end', () => process.exit(0));
}

void main();
