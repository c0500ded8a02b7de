import * as vscode from 'vscode';
import type { InspectorModelReader } from '../../contract/inspectorSnapshot';
import type { DemoLoadState, SidebarHostMessage, SidebarWebviewMessage } from '../../contract/webviewMessages';
import { Disposable } from '../dispose';
import { COMMANDS } from '../commands/commandIds';
import { assertNever, handleCommonMessage, reportFailure, runViewCommand } from './hostActions';
import { Throttle } from '../../inspector/throttle';
import { SIDEBAR_SNAPSHOT_INTERVAL_MS } from './viewCadence';
import type { LaunchedServer } from '../lifecycle/serverManager';
import { readServerSettings, SERVER_SETTINGS_SECTION } from '../lifecycle/serverLaunchSpec';
import { DebugPauseState } from '../debug/debugPauseState';
import { WebviewChannel } from './webviewChannel';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** The Locks view in the Lock Inspector activity bar container: server, sources, resources, warnings, tools. */
export class SidebarViewProvider extends Disposable implements vscode.WebviewViewProvider {
  /** Contributed in package.json under the `lockInspector` views container. */
  static readonly viewId = 'lockInspector.sidebar';

  #view: SidebarView | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: InspectorModelReader,
    private readonly server: LaunchedServer,
    private readonly debugPause: DebugPauseState,
  ) {
    super();
  }

  resolveWebviewView(webviewView: vscode.WebviewView): void {
    this.#view?.dispose();
    this.#view = this._register(new SidebarView(webviewView, this.extensionUri, this.model, this.server, this.debugPause));
  }
}

/** One resolved webview view; lives until VS Code disposes the view. */
class SidebarView extends Disposable {
  readonly #channel: WebviewChannel<SidebarHostMessage, SidebarWebviewMessage>;
  readonly #snapshots = new Throttle(SIDEBAR_SNAPSHOT_INTERVAL_MS, () => this.#channel.post({ type: 'didChangeSnapshot', snapshot: this.model.snapshot() }));
  #unsubscribeModel: (() => void) | undefined;

  constructor(
    webviewView: vscode.WebviewView,
    extensionUri: vscode.Uri,
    private readonly model: InspectorModelReader,
    private readonly server: LaunchedServer,
    private readonly debugPause: DebugPauseState,
  ) {
    super();
    const { webview } = webviewView;
    webview.options = webviewOptions(extensionUri);
    this.#channel = this._register(
      new WebviewChannel<SidebarHostMessage, SidebarWebviewMessage>(webview, {
        onReady: () => this.start(),
        onGone: () => this.stop(),
        onMessage: (message) => this.receive(message),
      }),
    );
    this._register(webviewView.onDidChangeVisibility(() => webviewView.visible || this.#channel.markGone()));
    this._register(webviewView.onDidDispose(() => this.dispose()));
    this._register(this.server.onDidChangeState((serverState) => this.#channel.isReady && this.#channel.post({ type: 'didChangeServerState', serverState })));
    this._register(
      vscode.workspace.onDidChangeConfiguration((change) => {
        if (change.affectsConfiguration(SERVER_SETTINGS_SECTION) && this.#channel.isReady) this.#channel.post({ type: 'didChangeDemo', demo: demoLoadState() });
      }),
    );
    this._register(debugPause.onDidChange(() => this.#channel.isReady && this.#channel.post({ type: 'didChangeDebugPause', pausedSession: debugPause.pausedSession })));
    this._register({ dispose: () => this.stop() });
    webview.html = webviewHtml(webview, extensionUri, 'sidebar', 'Locks');
  }

  private start(): void {
    this.#channel.post({ type: 'didSnapshot', snapshot: this.model.snapshot(), serverState: this.server.info.state });
    this.#channel.post({ type: 'didChangeDemo', demo: demoLoadState() });
    this.#channel.post({ type: 'didChangeDebugPause', pausedSession: this.debugPause.pausedSession });
    this.#unsubscribeModel = this.model.subscribe(() => this.#snapshots.request());
  }

  private stop(): void {
    this.#unsubscribeModel?.();
    this.#unsubscribeModel = undefined;
    this.#snapshots.cancel();
  }

  private receive(message: Exclude<SidebarWebviewMessage, { readonly type: 'ready' }>): void {
    switch (message.type) {
      case 'revealTool':
      case 'revealSource':
        handleCommonMessage(message);
        return;
      case 'startServer':
        runViewCommand(COMMANDS.startServer);
        return;
      case 'stopServer':
        runViewCommand(COMMANDS.stopServer);
        return;
      case 'restartServer':
        runViewCommand(COMMANDS.restartServer);
        return;
      case 'runDemo':
        reportFailure(runDemo(this.server), 'run the demo');
        return;
      case 'setDemoDeadlockPair':
        reportFailure(setDemoDeadlockPair(this.server, message.enabled), 'change the demo load');
        return;
      case 'showTimeline':
        runViewCommand(COMMANDS.showTimeline, message.filter);
        return;
      case 'clearTimeCursor':
        runViewCommand(COMMANDS.showStateAt, {});
        return;
      case 'showLive':
        runViewCommand(COMMANDS.showLive);
        return;
      default:
        assertNever(message);
    }
  }
}

async function runDemo(server: LaunchedServer): Promise<void> {
  if (server.info.state !== 'running') await vscode.commands.executeCommand(COMMANDS.startServer);
  await vscode.commands.executeCommand(COMMANDS.runParallelCalls);
}

/** The demo load the bundled server runs with, per the settings; undefined for the user's own server or no load. */
function demoLoadState(): DemoLoadState | undefined {
  try {
    const settings = readServerSettings();
    return !settings.command && settings.demoLoad ? { deadlockPair: settings.demoDeadlocks } : undefined;
  } catch {
    // A malformed setting is reported when the server starts; the sidebar just says nothing about a demo.
    return undefined;
  }
}

async function setDemoDeadlockPair(server: LaunchedServer, enabled: boolean): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration(SERVER_SETTINGS_SECTION).update('demoDeadlocks', enabled, target);
  if (server.info.state === 'running') await vscode.commands.executeCommand(COMMANDS.restartServer);
}

/** Registers the sidebar's webview view provider; everything it creates goes with `context`. */
export function registerSidebarView(context: vscode.ExtensionContext, model: InspectorModelReader, server: LaunchedServer): SidebarViewProvider {
  const debugPause = new DebugPauseState();
  const provider = new SidebarViewProvider(context.extensionUri, model, server, debugPause);
  context.subscriptions.push(debugPause, provider, vscode.window.registerWebviewViewProvider(SidebarViewProvider.viewId, provider));
  return provider;
}
