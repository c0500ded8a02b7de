// `npm run test:conformance`: the external MCP suites against two servers' HTTP entries, the bundled server
// (SDK 1.x, sessions) and the SDK 2.x fixture (createMcpHandler, a fresh server per request), each with its own baseline:
// 1. @modelcontextprotocol/conformance with the committed baseline of expected failures;
// 2. the MCP Inspector CLI's load mode on `transfer` (concurrency 10, 200 calls), then the total must be unchanged.
// Both need Node 22, which npx fetches from the registry; the exit code is the first failure's.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as Sdk2Client, StreamableHTTPClientTransport as Sdk2HttpTransport } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { auditTotal, startHttpServer } from '../mcp/serverProcess';
import { clientOptionsFor, startSdk2Http } from '../support/sdk2Fixture';

const CONFORMANCE = '@modelcontextprotocol/conformance@0.1.16';
const INSPECTOR = '@modelcontextprotocol/inspector@2.12.0';
const LOAD_REQUESTS = 200;

type Call = (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>;

/** A server under test: where it listens, its baseline, and how the load run's transfer and totals read on it. */
interface Target {
  readonly name: string;
  readonly url: string;
  readonly baseline: string;
  /** Arguments of the transfer the load run repeats; its source account starts with 1000. */
  readonly transfer: { readonly from: string; readonly to: string; readonly amount: 1 };
  connect(): Promise<{ call: Call; close(): Promise<void> }>;
  /** Opens the load run's accounts, where the server does not start with them. */
  prepare(call: Call): Promise<void>;
  total(call: Call): Promise<number>;
  balance(call: Call, account: string): Promise<number>;
  stop(): Promise<unknown>;
}

const textOf = (result: CallToolResult): string => (result.content[0] as { text: string }).text;

async function bundledServer(): Promise<Target> {
  const server = await startHttpServer();
  return {
    name: 'bundled server (SDK 1.x)',
    url: server.url,
    baseline: 'test/conformance/expected-failures.yml',
    transfer: { from: 'load-a', to: 'load-b', amount: 1 },
    async connect() {
      const client = new Client({ name: 'conformance-audit', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      return { call: (name, args = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>, close: () => client.close() };
    },
    async prepare(call) {
      await call('deposit', { account: 'load-a', amount: 1000 });
      await call('deposit', { account: 'load-b', amount: 1000 });
    },
    total: auditTotal,
    balance: async (call, account) => ((await call('get_balance', { account })).structuredContent as { balance: number }).balance,
    stop: () => server.stop(),
  };
}

async function sdk2Fixture(): Promise<Target> {
  const server = await startSdk2Http();
  return {
    name: 'SDK 2.x fixture (createMcpHandler)',
    url: server.url,
    baseline: 'test/conformance/expected-failures-sdk2.yml',
    transfer: { from: 'a0', to: 'a1', amount: 1 },
    async connect() {
      const client = new Sdk2Client({ name: 'conformance-audit', version: '2.0.0' }, clientOptionsFor('modern'));
      await client.connect(new Sdk2HttpTransport(new URL(server.url)));
      return { call: (name, args = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>, close: () => client.close() };
    },
    prepare: async () => undefined,
    total: async (call) => Number(textOf(await call('total'))),
    balance: async (call, account) => Number(textOf(await call('get_balance', { account }))),
    stop: () => server.stop(),
  };
}

async function main(): Promise<number> {
  const codes: number[] = [];
  for (const start of [bundledServer, sdk2Fixture]) codes.push(await checkTarget(await start()));
  return codes.find((code) => code !== 0) ?? 0;
}

async function checkTarget(target: Target): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'lock-conformance-'));
  try {
    console.log(`conformance: ${CONFORMANCE} against the ${target.name} at ${target.url}`);
    const suiteCode = await run('npx', ['-y', '-p', 'node@22', '-p', CONFORMANCE, '--', 'conformance', 'server', '--url', target.url, '--expected-failures', target.baseline, '--output-dir', join(scratch, 'results')]);
    console.log(`conformance: ${target.name}: exit ${suiteCode}`);
    const loadCode = await inspectorLoad(target, scratch);
    return suiteCode !== 0 ? suiteCode : loadCode;
  } finally {
    await target.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function inspectorLoad(target: Target, scratch: string): Promise<number> {
  const { call, close } = await target.connect();
  try {
    await target.prepare(call);
    const totalBefore = await target.total(call);
    console.log(`inspector load: ${INSPECTOR} on the ${target.name}, transfer x${LOAD_REQUESTS}, concurrency 10; total before ${totalBefore}`);
    const loadCode = await run(
      'npx',
      ['-y', '-p', 'node@22', '-p', INSPECTOR, '--', 'mcp-inspector', '--cli', target.url, '--method', 'tools/call', '--tool-name', 'transfer',
        '--tool-args-json', JSON.stringify(target.transfer),
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
    const totalAfter = await target.total(call);
    const moved = 1000 - (await target.balance(call, target.transfer.from));
    console.log(`inspector load: exit ${loadCode}; total after ${totalAfter}; moved ${moved} in ${LOAD_REQUESTS} transfers`);
    if (loadCode !== 0) return loadCode;
    if (totalAfter !== totalBefore || moved !== LOAD_REQUESTS) {
      console.error(`inspector load: FAILED on the ${target.name}, money was created, lost, or transfers went missing`);
      return 1;
    }
    return 0;
  } finally {
    await close();
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
