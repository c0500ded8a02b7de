import * as vscode from 'vscode';
import { readServerSettings, serverLaunchSpec, SERVER_SETTINGS_SECTION } from '../lifecycle/serverLaunchSpec';
import { Disposable } from '../dispose';

/** Id of the provider, as `contributes.mcpServerDefinitionProviders` declares it. */
export const MCP_PROVIDER_ID = 'lockInspector.mcpServers';

/** Label of the server chat agents see; VS Code names its tools `mcp_<label>_<tool>`. */
export const CHAT_SERVER_LABEL = 'Lock Inspector';

/** Label of the chat agent's server as a source in the model. */
export const CHAT_SOURCE_LABEL = 'chat agent';

/** What the provider needs from the rest of the extension. */
export interface McpServerProviderOptions {
  readonly extensionUri: vscode.Uri;
  readonly extensionVersion: string;
  readonly channelEnv: (label: string, kind: 'chat') => Record<string, string>;
  readonly log: vscode.LogOutputChannel;
}

/**
 * Offers the server (bundled, or the user's own from settings) to VS Code's MCP host, which chat agents use,
 * with the inspector channel in its environment: the agent's parallel tool calls then show up live as a source.
 */
export class LockInspectorMcpServerProvider extends Disposable implements vscode.McpServerDefinitionProvider<vscode.McpStdioServerDefinition> {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  /** Fires when the server settings change, so VS Code asks again. */
  readonly onDidChangeMcpServerDefinitions = this.changeEmitter.event;

  constructor(private readonly options: McpServerProviderOptions) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SERVER_SETTINGS_SECTION)) this.changeEmitter.fire();
      }),
    );
  }

  /** One stdio server definition; none (and a logged reason) when the settings are malformed. */
  provideMcpServerDefinitions(): vscode.McpStdioServerDefinition[] {
    let settings;
    try {
      settings = readServerSettings();
    } catch (error) {
      this.options.log.error(`No MCP server offered to chat agents: ${(error as Error).message}`);
      return [];
    }
    // The demo load is for watching the inspector; an agent's server should only run the agent's calls.
    const spec = serverLaunchSpec({ ...settings, demoLoad: false }, this.options.extensionUri);
    const definition = new vscode.McpStdioServerDefinition(
      CHAT_SERVER_LABEL,
      spec.command,
      [...spec.args],
      { ...spec.envOverrides, ...this.options.channelEnv(CHAT_SOURCE_LABEL, 'chat') },
      this.options.extensionVersion,
    );
    // Without a cwd VS Code starts stdio servers in the home folder.
    definition.cwd = vscode.Uri.file(spec.cwd);
    return [definition];
  }
}

/** Registers the provider where the host has the MCP API (VS Code 1.101+); returns nothing to dispose elsewhere. */
export function registerMcpServerDefinitionProvider(options: McpServerProviderOptions): vscode.Disposable[] {
  if (!vscode.lm?.registerMcpServerDefinitionProvider) {
    options.log.info('This editor has no MCP server API: the server is not offered to chat agents.');
    return [];
  }
  const provider = new LockInspectorMcpServerProvider(options);
  return [provider, vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider)];
}
