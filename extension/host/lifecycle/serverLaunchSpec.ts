import * as path from 'node:path';
import * as vscode from 'vscode';
import { withPreload } from '../../inspector/preloadEnvironment';

/** The `lockInspector.server.*` settings, read once per launch. */
export interface ServerSettings {
  /** Empty: the bundled demo server. */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly demoLoad: boolean;
  /** With the demo load, the opposite-order pair too. */
  readonly demoDeadlocks: boolean;
  readonly latencyMs: number;
  /** Start the user's own Node server with the preload (mcp-lock-inspector/register), which shows its lost updates. */
  readonly preload: boolean;
}

/** A server to start, before the inspector channel is added to its environment. */
export interface ServerLaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Only what differs from the extension host's environment: the settings' env, plus what the bundled server needs. */
  readonly envOverrides: Readonly<Record<string, string>>;
  /** True for the bundled server, false for the user's own command. */
  readonly bundled: boolean;
}

/** Section of every setting this file reads. */
export const SERVER_SETTINGS_SECTION = 'lockInspector.server';

/** Reads `lockInspector.server.*`, throwing an error that names the setting when a value has the wrong shape. */
export function readServerSettings(): ServerSettings {
  const settings = vscode.workspace.getConfiguration(SERVER_SETTINGS_SECTION);
  const args = settings.get<unknown>('args', []);
  if (!Array.isArray(args) || args.some((arg) => typeof arg !== 'string')) {
    throw new Error('The setting lockInspector.server.args must be a list of strings, e.g. ["--timeout-ms", "2000"].');
  }
  const env = settings.get<unknown>('env', {});
  if (env === null || typeof env !== 'object' || Array.isArray(env) || Object.values(env).some((value) => typeof value !== 'string')) {
    throw new Error('The setting lockInspector.server.env must map names to string values, e.g. {"DEBUG": "1"}.');
  }
  const latencyMs = settings.get<number>('latencyMs', 0);
  if (!Number.isInteger(latencyMs) || latencyMs < 0) {
    throw new Error(`The setting lockInspector.server.latencyMs must be a whole number of milliseconds (0 for none), not ${latencyMs}.`);
  }
  return {
    command: settings.get<string>('command', '').trim(),
    args,
    cwd: settings.get<string>('cwd', '').trim(),
    env: env as Record<string, string>,
    demoLoad: settings.get<boolean>('demoLoad', false),
    demoDeadlocks: settings.get<boolean>('demoDeadlocks', true),
    latencyMs,
    preload: settings.get<boolean>('preload', true),
  };
}

/** The bundled server script inside the extension. */
export function bundledServerScript(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath;
}

/** Flags the settings add to the bundled server's command line. */
export function bundledServerFlags(settings: ServerSettings): string[] {
  const demoFlags = settings.demoLoad ? ['--demo-load', ...(settings.demoDeadlocks ? [] : ['--demo-without-deadlocks'])] : [];
  return [...demoFlags, ...(settings.latencyMs > 0 ? ['--latency-ms', String(settings.latencyMs)] : [])];
}

/** What to run for the settings: the user's command, or the bundled server on the extension host's own Node. */
export function serverLaunchSpec(settings: ServerSettings, extensionUri: vscode.Uri): ServerLaunchSpec {
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const substitute = (value: string): string => (workspaceFolder ? value.replaceAll('${workspaceFolder}', workspaceFolder) : value);
  const cwd = settings.cwd ? path.resolve(workspaceFolder ?? extensionUri.fsPath, substitute(settings.cwd)) : (workspaceFolder ?? extensionUri.fsPath);
  const args = settings.args.map(substitute);
  if (settings.command) {
    const envOverrides = settings.preload ? preloadOverrides(settings.env, extensionUri) : settings.env;
    return { command: substitute(settings.command), args, cwd, envOverrides, bundled: false };
  }
  return {
    // In desktop VS Code the host runs on Electron, which behaves as plain Node only with ELECTRON_RUN_AS_NODE.
    command: process.execPath,
    // Source maps make lock-order inversion sites point at the TypeScript handlers, where the code lenses are.
    args: ['--enable-source-maps', bundledServerScript(extensionUri), ...bundledServerFlags(settings), ...args],
    cwd,
    envOverrides: { ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}), ...settings.env },
    bundled: true,
  };
}

/** The settings' env plus the preload in NODE_OPTIONS (after whatever NODE_OPTIONS the server would get anyway). */
function preloadOverrides(env: Readonly<Record<string, string>>, extensionUri: vscode.Uri): Readonly<Record<string, string>> {
  const preloadFile = vscode.Uri.joinPath(extensionUri, 'dist', 'register.mjs').fsPath;
  const nodeOptions = withPreload({ NODE_OPTIONS: env['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'] }, preloadFile)['NODE_OPTIONS'];
  return nodeOptions === undefined ? env : { ...env, NODE_OPTIONS: nodeOptions };
}
