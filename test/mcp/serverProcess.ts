import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { buildBundles } from '../../tools/bundles.mjs';

let bundle: Promise<string> | undefined;

/**
 * The server bin bundled as esbuild.mjs bundles dist/server.js, but into a private folder, so test
 * files running in parallel (and other people's builds) never race on dist/.
 */
export function serverBundle(): Promise<string> {
  bundle ??= (async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'lock-server-bundle-'));
    await buildBundles(['server'], { outdir });
    return join(outdir, 'server.js');
  })();
  return bundle;
}

/** An SDK client talking to a freshly spawned server over real stdio. */
export interface StdioServer {
  readonly client: Client;
  readonly pid: number;
  call(name: string, args?: Record<string, unknown>, options?: { signal?: AbortSignal }): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** Spawns the bundled server with `args` and connects the official SDK client over its stdio. */
export async function connectStdio(args: readonly string[] = [], env: Record<string, string> = {}): Promise<StdioServer> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [await serverBundle(), ...args], env: { ...defaultEnv(), ...env }, stderr: 'inherit' });
  const client = new Client({ name: 'e2e-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    pid: transport.pid!,
    call: (name, callArgs = {}, options = {}) => client.callTool({ name, arguments: callArgs }, undefined, { ...options, timeout: 60_000 }) as Promise<CallToolResult>,
    close: () => client.close(),
  };
}

/** A spawned server process (any transport) and what it printed. */
export interface SpawnedServer {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  /** What it wrote to stderr so far (also passed through to ours). */
  stderr(): string;
  /** Its resident memory now, in MB (Linux). */
  rssMb(): number;
}

/** Spawns the bundled server with pipes of our own, for tests of its process behaviour. */
export async function spawnServer(args: readonly string[], env: Record<string, string> = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [await serverBundle(), ...args], { env: { ...defaultEnv(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    process.stderr.write(chunk);
  });
  return { child, exited, stderr: () => stderr, rssMb: () => residentMb(child.pid!) };
}

/** Resident memory of process `pid` in MB, from /proc (Linux). */
export function residentMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** Starts `--http --port 0` and resolves with the URL it prints. */
export async function startHttpServer(args: readonly string[] = [], env: Record<string, string> = {}): Promise<SpawnedServer & { url: string; stop(): Promise<number | string> }> {
  const server = await spawnServer(['--http', '--port', '0', ...args], env);
  const lines = createInterface({ input: server.child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void server.exited.then((code) => reject(new Error(`server exited (${code}) before printing its URL`)));
  });
  return {
    ...server,
    url,
    stop() {
      server.child.kill('SIGTERM');
      return server.exited;
    },
  };
}

/** Sum of all balances, from the audit tool. */
export async function auditTotal(call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>): Promise<number> {
  return ((await call('audit')).structuredContent as { total: number }).total;
}

function defaultEnv(): Record<string, string> {
  // Tests must not report to an inspector the developer happens to run.
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('MCP_LOCK_INSPECTOR_')) env[key] = value;
  return env;
}

/** An initialize request as a bare HTTP client sends it. */
export const INITIALIZE_REQUEST = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } } as const;

/** POSTs `body` (a string as it is, anything else as JSON) to the MCP endpoint with the headers a client sends. */
export function postMcp(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A session opened with bare HTTP requests: unlike the SDK client, it keeps no GET stream open. */
export async function openRawSession(url: string, headers: Record<string, string> = {}): Promise<{ readonly sessionId: string; post(message: object): Promise<Response> }> {
  let sessionId: string | undefined;
  const post = (message: object): Promise<Response> =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...headers, ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
      body: JSON.stringify(message),
    });
  const initialized = await post(INITIALIZE_REQUEST);
  sessionId = initialized.headers.get('mcp-session-id') ?? undefined;
  await initialized.text();
  if (!sessionId) throw new Error(`the server named no session (HTTP ${initialized.status})`);
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  return { sessionId: sessionId!, post };
}
