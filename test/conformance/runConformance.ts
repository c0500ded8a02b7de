// `npm run test:conformance`: the external MCP suites against the bundled server's HTTP entry.
// 1. @modelcontextprotocol/conformance with the committed baseline of expected failures;
// 2. the MCP Inspector CLI's load mode on `transfer` (concurrency 10, 200 calls), then the audit total must be unchanged.
// Both need Node 22, which npx fetches from the registry; the exit code is the first failure's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { auditTotal, startHttpServer } from '../mcp/serverProcess';

const CONFORMANCE = '@modelcontextprotocol/conformance@0.1.16';
const INSPECTOR = '@modelcontextprotocol/inspector@2.12.0';
const LOAD_REQUESTS = 200;

async function main(): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'lock-conformance-'));
  const server = await startHttpServer();
  try {
    console.log(`conformance: ${CONFORMANCE} against ${server.url}`);
    const suiteCode = await run('npx', ['-y', '-p', 'node@22', '-p', CONFORMANCE, '--', 'conformance', 'server', '--url', server.url, '--expected-failures', 'test/conformance/expected-failures.yml', '--output-dir', join(scratch, 'results')]);
    console.log(`conformance: exit ${suiteCode}`);
    const loadCode = await inspectorLoad(server.url, scratch);
    return suiteCode !== 0 ? suiteCode : loadCode;
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function inspectorLoad(url: string, scratch: string): Promise<number> {
  const client = new Client({ name: 'conformance-audit', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const call = (name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> => client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
  try {
    await call('deposit', { account: 'load-a', amount: 1000 });
    await call('deposit', { account: 'load-b', amount: 1000 });
    const totalBefore = await auditTotal(call);
    console.log(`inspector load: ${INSPECTOR}, transfer x${LOAD_REQUESTS}, concurrency 10; audit total before ${totalBefore}`);
    const loadCode = await run(
      'npx',
      ['-y', '-p', 'node@22', '-p', INSPECTOR, '--', 'mcp-inspector', '--cli', url, '--method', 'tools/call', '--tool-name', 'transfer',
        '--tool-args-json', JSON.stringify({ from: 'load-a', to: 'load-b', amount: 1 }),
        '--load', '--load-concurrency', '10', '--load-requests', String(LOAD_REQUESTS), '--format', 'json'],
      // Keep the inspector's catalog and client config out of the developer's home.
      {
        MCP_CATALOG_PATH: join(scratch, 'mcp.json'),
        MCP_CLIENT_CONFIG_PATH: join(scratch, 'client.json'),
        MCP_STORAGE_DIR: join(scratch, 'storage'),
        MCP_INSPECTOR_OAUTH_STATE_PATH: join(scratch, 'oauth.json'),
        MCP_INSPECTOR_LOG_DIR: join(scratch, 'logs'),
      },
    );
    const totalAfter = await auditTotal(call);
    const moved = 1000 - ((await call('get_balance', { account: 'load-a' })).structuredContent as { balance: number }).balance;
    console.log(`inspector load: exit ${loadCode}; audit total after ${totalAfter}; moved ${moved} in ${LOAD_REQUESTS} transfers`);
    if (loadCode !== 0) return loadCode;
    if (totalAfter !== totalBefore || moved !== LOAD_REQUESTS) {
      console.error('inspector load: FAILED, money was created, lost, or transfers went missing');
      return 1;
    }
    return 0;
  } finally {
    await client.close();
  }
}

function run(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
