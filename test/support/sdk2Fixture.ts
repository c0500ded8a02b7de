import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import * as esbuild from 'esbuild';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const repoRoot = resolve(__dirname, '../..');
let bundle: Promise<string> | undefined;

/** The SDK 2.x fixture server (test/fixtures/sdk2Server) bundled into a private folder, as a plain Node script. */
export function sdk2FixtureBundle(): Promise<string> {
  bundle ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'sdk2-fixture-')), 'sdk2Server.js');
    await esbuild.build({
      entryPoints: [join(repoRoot, 'test/fixtures/sdk2Server/main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      tsconfig: join(repoRoot, 'tsconfig.json'),
      logLevel: 'warning',
    });
    return outfile;
  })();
  return bundle;
}

/** Which revision the official 2.x client speaks: the 2026-07-28 envelope, or the 2025 `initialize` handshake. */
export type ProtocolEra = 'modern' | 'legacy';

/** Client options that pin the era. */
export function clientOptionsFor(era: ProtocolEra): ConstructorParameters<typeof Client>[1] {
  return era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {};
}

/** The environment a spawned fixture gets: the test's own, without an inspector the developer runs, plus `env`. */
export function fixtureEnv(env: Record<string, string> = {}): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('MCP_LOCK_INSPECTOR_')) own[key] = value;
  return { ...own, ...env };
}

/** The official 2.x client connected to a freshly spawned fixture over real stdio. */
export async function connectSdk2Stdio(era: ProtocolEra, env: Record<string, string> = {}): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [await sdk2FixtureBundle(), '--accounts', '6'], env: fixtureEnv(env), stderr: 'inherit' });
  const client = new Client({ name: 'sdk2-e2e', version: '2.0.0' }, clientOptionsFor(era));
  await client.connect(transport);
  return client;
}

/** A spawned fixture serving Streamable HTTP through createMcpHandler. */
export interface Sdk2HttpFixture {
  readonly url: string;
  readonly child: ChildProcess;
  connect(era: ProtocolEra): Promise<Client>;
  stop(): Promise<void>;
}

/** Spawns the fixture with `--http` and resolves once it prints its loopback URL. */
export async function startSdk2Http(env: Record<string, string> = {}): Promise<Sdk2HttpFixture> {
  const child = spawn(process.execPath, [await sdk2FixtureBundle(), '--http', '--accounts', '6'], { env: fixtureEnv(env), stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(line);
      if (match) resolveUrl(match[1]!);
    });
    void exited.then(() => reject(new Error('the SDK 2.x fixture exited before printing its URL')));
  });
  return {
    url,
    child,
    async connect(era) {
      const client = new Client({ name: 'sdk2-e2e', version: '2.0.0' }, clientOptionsFor(era));
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      return client;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
