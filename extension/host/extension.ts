import * as vscode from 'vscode';
import { LockInspectorApiHost, type LockInspectorApi } from './api';
import { registerMcpServerDefinitionProvider } from './chat/mcpServerDefinitionProvider';
import { registerCodeLenses } from './codeLens/toolCodeLensProvider';
import { registerLostUpdateDiagnostics } from './codeLens/lostUpdateDiagnostics';
import { COMMANDS } from './commands/commandIds';
import { registerCommands } from './commands/commands';
import { registerTimeTravelCommands } from './commands/timeTravelCommands';
import { registerChannelDebugConfigurationProvider } from './debug/channelDebugConfigurationProvider';
import { DebugServerLauncher } from './debug/debugServer';
import { InspectorHub } from '../inspector/inspectorHub';
import { writeHubDiscovery } from '../inspector/hubDiscovery';
import { DEFAULT_MAX_EVENTS, InspectorModel } from '../inspector/inspectorModel';
import { ShownModel } from '../inspector/shownModel';
import { adviceWarnings } from '../inspector/advice/adviceWarnings';
import { configuredClientTimeout } from './clientTimeoutSetting';
import { ServerManager } from './lifecycle/serverManager';
import { LockStatusBar } from './statusBar/statusBar';
import { registerSidebarView } from './views/sidebarViewProvider';
import { registerRedisSource } from './redisSourceSetting';
import { registerTimelinePanel } from './views/timelinePanel';

const HISTORY_SETTING = 'lockInspector.history.maxEvents';

// deactivate() has no context; it needs the launched server to stop it gracefully before the host goes.
let launchedServer: ServerManager | undefined;

/** Entry point: wires the inspector hub, server manager, views, code lenses and commands; returns the public API. */
export async function activate(context: vscode.ExtensionContext): Promise<LockInspectorApi> {
  const log = vscode.window.createOutputChannel('MCP Lock Inspector', { log: true });
  context.subscriptions.push(log);

  const model = new InspectorModel({ maxEvents: historySize(log) });
  const hub = await InspectorHub.listen({ model, logger: log });
  context.subscriptions.push({ dispose: () => void hub.dispose() });
  // `mcp-lock-inspector run` in any MCP client's config finds this hub through the discovery file.
  try {
    context.subscriptions.push({ dispose: writeHubDiscovery({ address: hub.address, token: hub.token, pid: process.pid }) });
  } catch (error) {
    log.warn(`Could not publish the inspector for mcp-lock-inspector run: ${(error as Error).message}`);
  }
  const channelEnv = hub.envFor.bind(hub);

  const server = new ServerManager({
    extensionUri: context.extensionUri,
    clientInfo: { name: context.extension.id, version: context.extension.packageJSON.version },
    channelEnv,
    log,
  });
  context.subscriptions.push(server);
  launchedServer = server;

  // The views read the live model, or a recording opened in its place.
  const shown = new ShownModel(model, (history) => adviceWarnings(history, { clientTimeout: configuredClientTimeout() }));
  const timeline = registerTimelinePanel(context, shown);
  registerSidebarView(context, shown, server);
  registerCodeLenses(context, shown);
  registerLostUpdateDiagnostics(context);
  const apiHost = new LockInspectorApiHost(model, server);
  context.subscriptions.push(
    apiHost,
    ...registerCommands({
      model,
      server,
      timeline,
      debugServer: new DebugServerLauncher(context.extensionUri, server),
      workspaceState: context.workspaceState,
      log,
    }),
    ...registerTimeTravelCommands({ live: model, shown, timeline, log }),
    ...registerMcpServerDefinitionProvider({
      extensionUri: context.extensionUri,
      extensionVersion: context.extension.packageJSON.version,
      channelEnv,
      log,
    }),
    ...registerChannelDebugConfigurationProvider(channelEnv),
    new LockStatusBar(shown, server, COMMANDS.showTimeline),
    registerRedisSource(model, log),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(HISTORY_SETTING)) return;
      // The model sizes its history once; a new size needs a new model.
      void vscode.window.showInformationMessage('The new Lock Inspector history size applies after a window reload.', 'Reload Window').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.reloadWindow');
      });
    }),
  );

  if (vscode.workspace.getConfiguration('lockInspector.server').get<boolean>('autoStart', false)) {
    void vscode.commands.executeCommand(COMMANDS.startServer);
  }
  return apiHost.api;
}

function historySize(log: vscode.LogOutputChannel): number {
  const maxEvents = vscode.workspace.getConfiguration().get<number>(HISTORY_SETTING, DEFAULT_MAX_EVENTS);
  if (Number.isInteger(maxEvents) && maxEvents > 0) return maxEvents;
  log.warn(`${HISTORY_SETTING} must be a positive whole number, not ${JSON.stringify(maxEvents)}; keeping ${DEFAULT_MAX_EVENTS} events.`);
  return DEFAULT_MAX_EVENTS;
}

/** Stops the launched server and waits until its process is gone; everything else lives in context.subscriptions. */
export async function deactivate(): Promise<void> {
  await launchedServer?.stop();
  launchedServer = undefined;
}
