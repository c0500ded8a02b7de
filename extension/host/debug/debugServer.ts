import * as net from 'node:net';
import * as vscode from 'vscode';
import { bundledServerFlags, bundledServerScript, readServerSettings, serverLaunchSpec } from '../lifecycle/serverLaunchSpec';
import { LAUNCH_ATTRIBUTE } from './channelDebugConfigurationProvider';
import type { ServerInfo } from '../lifecycle/serverManager';

/** The launched server, which Debug Server replaces so that only one copy of the server runs. */
export interface ReplaceableServer {
  readonly info: ServerInfo;
  stop(): Promise<ServerInfo>;
}

/** The debug session Debug Server started. */
export interface DebugServerInfo {
  readonly sessionName: string;
  /** Where MCP clients reach the debugged server (Streamable HTTP). */
  readonly url: string;
  /** Pid of the launched server it stopped to take its place, if one was running. */
  readonly replacedPid?: number;
}

/** Name of the debug session, also the label of its source in the model. */
export const DEBUG_SESSION_NAME = 'Lock Inspector: debugged server';

/**
 * Starts the bundled server under VS Code's Node debugger, with the inspector channel injected through
 * `"lockInspector": true` (see ChannelDebugConfigurationProvider), in place of the launched server (stopped first, so
 * one server runs and request ids never mix). It serves Streamable HTTP, since a debuggee's stdin is not an MCP
 * client; any MCP client can then connect to the URL while breakpoints hold its handlers.
 */
export class DebugServerLauncher {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly launched: ReplaceableServer,
  ) {}

  /** Starts the session; `argument` may pick the port (`{ port }`), else a free one is used. Undefined if the debugger refused. */
  async launch(argument?: unknown): Promise<DebugServerInfo | undefined> {
    const port = parsePort(argument) ?? (await freeLoopbackPort());
    const settings = readServerSettings();
    const spec = serverLaunchSpec({ ...settings, command: '' }, this.extensionUri);
    const running = this.launched.info.state === 'running' || this.launched.info.state === 'starting' ? this.launched.info.pid : undefined;
    if (running !== undefined) await this.launched.stop();
    const configuration: vscode.DebugConfiguration = {
      type: 'node',
      request: 'launch',
      name: DEBUG_SESSION_NAME,
      program: bundledServerScript(this.extensionUri),
      args: ['--http', '--port', String(port), ...bundledServerFlags(settings), ...settings.args],
      cwd: spec.cwd,
      env: { ...settings.env },
      console: 'internalConsole',
      outputCapture: 'std',
      skipFiles: ['<node_internals>/**'],
      // Stack-derived lock sites (inversions, diagnostics) and breakpoints in the TypeScript handlers, not the bundle.
      runtimeArgs: ['--enable-source-maps'],
      sourceMaps: true,
      resolveSourceMapLocations: [vscode.Uri.joinPath(this.extensionUri, '**').fsPath, '!**/node_modules/**'],
      [LAUNCH_ATTRIBUTE]: true,
    };
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], configuration);
    if (!started) {
      void vscode.window.showErrorMessage('Lock Inspector could not start the server under the Node debugger: is the JavaScript Debugger (js-debug) extension enabled?');
      return undefined;
    }
    const url = `http://127.0.0.1:${port}/mcp`;
    const replaced = running === undefined ? '' : ` It replaces the launched server (pid ${running}), stopped so that one copy runs.`;
    void vscode.window.showInformationMessage(`Debugging the bundled server as "${DEBUG_SESSION_NAME}" at ${url}.${replaced} Set breakpoints in its tool handlers; MCP clients connect to that URL.`);
    return { sessionName: DEBUG_SESSION_NAME, url, ...(running === undefined ? {} : { replacedPid: running }) };
  }
}

function parsePort(argument: unknown): number | undefined {
  const port = (argument as { port?: unknown } | null | undefined)?.port;
  if (port === undefined) return undefined;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    throw new Error(`debugServer takes { port?: 1-65535 }, not ${JSON.stringify(argument)}.`);
  }
  return port as number;
}

/** A port nobody listens on right now, so the URL is known before the server prints it. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
