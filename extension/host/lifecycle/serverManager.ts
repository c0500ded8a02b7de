import * as vscode from 'vscode';
import { COMMANDS } from '../commands/commandIds';
import { describeExit, ServerProcess, type ServerExit } from '../client/serverProcess';
import type { ServerState } from '../../contract/webviewMessages';
import { Disposable } from '../dispose';
import { readServerSettings, serverLaunchSpec } from './serverLaunchSpec';

/** What the server manager needs from the rest of the extension. */
export interface ServerManagerOptions {
  readonly extensionUri: vscode.Uri;
  /** Name and version the MCP client announces to the server. */
  readonly clientInfo: { readonly name: string; readonly version: string };
  /** The inspector channel's variables for a source (InspectorHub.envFor). */
  readonly channelEnv: (label: string, kind: 'launched') => Record<string, string>;
  readonly log: vscode.LogOutputChannel;
}

/** The running server, as commands and tests see it. */
export interface ServerInfo {
  readonly state: ServerState;
  readonly pid?: number;
  /** Why the last start failed or how the last run crashed. */
  readonly error?: string;
}

/** The launched server as views, the status bar and the public API read it. */
export interface LaunchedServer {
  readonly info: ServerInfo;
  readonly onDidChangeState: vscode.Event<ServerState>;
}

/** Context key holding the state, for `when` clauses of menus. */
export const SERVER_STATE_CONTEXT_KEY = 'lockInspector.serverState';

/** Label of the launched server's source in the model. */
export const LAUNCHED_SOURCE_LABEL = 'bundled server';

/**
 * Starts, stops and restarts the MCP server the extension launches itself, keeps an MCP client connected to it,
 * notices crashes, and never leaves a process behind. Operations run one at a time, in call order.
 */
export class ServerManager extends Disposable implements LaunchedServer {
  private readonly stateEmitter = this._register(new vscode.EventEmitter<ServerState>());
  /** Fires on every state change. */
  readonly onDidChangeState = this.stateEmitter.event;

  private currentState: ServerState = 'stopped';
  private server: ServerProcess | undefined;
  /** The process stop() is ending on purpose, so its exit is not a crash. */
  private stopping: ServerProcess | undefined;
  private lastError: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ServerManagerOptions) {
    super();
    this.publishState();
  }

  /** The state, pid and last error together. */
  get info(): ServerInfo {
    return {
      state: this.currentState,
      ...(this.server?.alive ? { pid: this.server.pid } : {}),
      ...(this.lastError && this.currentState === 'crashed' ? { error: this.lastError } : {}),
    };
  }

  /** The MCP client connected to the running server; undefined unless the state is `running`. */
  get client(): ServerProcess['client'] | undefined {
    return this.currentState === 'running' ? this.server?.client : undefined;
  }

  /** Starts the server unless it runs already; resolves with its info, and never rejects (a failure is in `error`). */
  start(): Promise<ServerInfo> {
    return this.serialize(async () => {
      if (this.currentState === 'running') return this.info;
      await this.launch();
      return this.info;
    });
  }

  /** Stops the server and waits until its process (and anything it spawned) is gone. */
  stop(): Promise<ServerInfo> {
    return this.serialize(async () => {
      await this.terminate();
      return this.info;
    });
  }

  /** Stops (if running) and starts again, with the current settings. */
  restart(): Promise<ServerInfo> {
    return this.serialize(async () => {
      await this.terminate();
      await this.launch();
      return this.info;
    });
  }

  /** Kills a still-running server at once: the last resort when the extension goes away without deactivate(). */
  override dispose(): void {
    this.server?.killNow();
    super.dispose();
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async launch(): Promise<void> {
    const { log } = this.options;
    this.lastError = undefined;
    this.setState('starting');
    let server: ServerProcess;
    try {
      const spec = serverLaunchSpec(readServerSettings(), this.options.extensionUri);
      log.info(`Starting ${spec.bundled ? 'the bundled server' : 'the server'}: ${[spec.command, ...spec.args].join(' ')} (in ${spec.cwd})`);
      server = await ServerProcess.start(
        {
          command: spec.command,
          args: spec.args,
          cwd: spec.cwd,
          env: { ...process.env, ...spec.envOverrides, ...this.options.channelEnv(LAUNCHED_SOURCE_LABEL, 'launched') },
        },
        { clientInfo: this.options.clientInfo, onStderrLine: (line) => log.info(`[server] ${line}`) },
      );
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      log.error(`The server did not start: ${this.lastError}`);
      this.setState('crashed');
      return;
    }
    if (this.isDisposed) {
      await server.stop();
      return;
    }
    this.server = server;
    void server.exited.then((exit) => this.onExit(server, exit));
    log.info(`Server running, pid ${server.pid}`);
    this.setState('running');
  }

  private async terminate(): Promise<void> {
    const server = this.server;
    if (!server) {
      if (this.currentState === 'crashed') this.setState('stopped');
      return;
    }
    this.stopping = server;
    const exit = await server.stop();
    this.options.log.info(`Server stopped (pid ${server.pid}, ${describeExit(exit)})`);
    this.server = undefined;
    this.stopping = undefined;
    this.setState('stopped');
  }

  private onExit(server: ServerProcess, exit: ServerExit): void {
    if (server !== this.server || server === this.stopping) return;
    this.server = undefined;
    const tail = exit.stderrTail.filter((line) => line.trim()).slice(-3);
    this.lastError = `The server (pid ${server.pid}) exited unexpectedly with ${describeExit(exit)}.${tail.length ? ` Last output: ${tail.join(' | ')}` : ''}`;
    this.options.log.error(this.lastError);
    this.setState('crashed');
    if (this.isDisposed) return;
    void vscode.window.showErrorMessage(`Lock Inspector: ${this.lastError}`, 'Restart', 'Show Output').then((choice) => {
      // Through the command, so a failed restart is reported like any other.
      if (choice === 'Restart') void vscode.commands.executeCommand(COMMANDS.restartServer);
      else if (choice === 'Show Output') this.options.log.show();
    });
  }

  private setState(state: ServerState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.publishState();
    this.stateEmitter.fire(state);
  }

  private publishState(): void {
    void vscode.commands.executeCommand('setContext', SERVER_STATE_CONTEXT_KEY, this.currentState);
  }
}
