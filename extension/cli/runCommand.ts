import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { CHANNEL_ENV } from '../contract/wireFormat';
import { readHubDiscovery } from '../inspector/hubDiscovery';
import { EXIT_CODES, type CliCommand } from './cliArgs';
import { withPreload } from '../inspector/preloadEnvironment';
import { bundledPreloadFile } from './bundledPreloadFile';

type RunCommand = Extract<CliCommand, { kind: 'run' }>;

/** Where `run` talks: its diagnostics only ever go to stderr, stdout belongs to the server's MCP traffic. */
export interface RunIo {
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** The preload to inject; default the one beside the CLI bundle. */
  readonly preloadFile?: string;
}

/**
 * `mcp-lock-inspector run -- <command...>`: starts the server with this process's own stdin, stdout and stderr
 * (so the MCP client's bytes pass through untouched, no copy in between), the preload injected, and the inspector
 * channel from the environment or from a running inspector's discovery file; exits as the server exits.
 */
export async function runRun(command: RunCommand, io: RunIo): Promise<number> {
  const [file, ...args] = command.serverCommand as [string, ...string[]];
  let env: NodeJS.ProcessEnv = { ...io.env };
  if (!env[CHANNEL_ENV.address]) {
    const discovered = readHubDiscovery(io.env);
    if (discovered === undefined) {
      io.stderr.write('[mcp-lock-inspector run] no running inspector found (open VS Code with the extension, or `mcp-lock-inspector watch --listen`); the server runs unobserved.\n');
    } else {
      env = { ...env, [CHANNEL_ENV.address]: discovered.address, [CHANNEL_ENV.token]: discovered.token, [CHANNEL_ENV.kind]: 'external' };
    }
  }
  env[CHANNEL_ENV.label] ||= command.label ?? [path.basename(file), ...args].join(' ');
  if (command.preload) env = withPreload(env, io.preloadFile ?? bundledPreloadFile());
  const child = spawn(file, args, { env, stdio: 'inherit', windowsHide: true });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const forwarders = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, forward(signal)] as const);
  for (const [signal, handler] of forwarders) process.on(signal, handler);
  return new Promise<number>((resolve) => {
    child.once('error', (error) => {
      io.stderr.write(`[mcp-lock-inspector run] could not start ${file}: ${error.message}\n`);
      resolve(EXIT_CODES.serverDidNotStart);
    });
    child.once('exit', (code, signal) => {
      for (const [name, handler] of forwarders) process.off(name, handler);
      // The wrapper stands in for the server: its exit code is the server's (128 + n for a signal, as shells report it).
      resolve(code ?? 128 + (signal === null ? 0 : os.constants.signals[signal]));
    });
  });
}
