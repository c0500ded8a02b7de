import * as vscode from 'vscode';
import { BREAK_ON_ENV, parseBreakOn } from '../../contract/breakOn';

/** The launch.json attribute that opts a Node debug configuration in: `"lockInspector": true`. */
export const LAUNCH_ATTRIBUTE = 'lockInspector';

/** Node debug types a configuration may use: `node`, and `pwa-node`, which js-debug also accepts. */
export const NODE_DEBUG_TYPES = ['node', 'pwa-node'] as const;

/** Adds the inspector channel to the env of Node debug configurations that carry `"lockInspector": true`. */
export class ChannelDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly channelEnv: (label: string, kind: 'debug') => Record<string, string>) {}

  /**
   * Leaves other configurations untouched; overrides the channel variables the configuration may already set, and
   * passes `lockInspector.breakOn` on (the debugged server pauses where that contention happens).
   */
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, configuration: vscode.DebugConfiguration): vscode.DebugConfiguration {
    if (configuration[LAUNCH_ATTRIBUTE] !== true) return configuration;
    const label = typeof configuration.name === 'string' && configuration.name ? configuration.name : 'debug session';
    const breakOn = vscode.workspace.getConfiguration('lockInspector').get<string[]>('breakOn', []);
    const breakOnEnv = Array.isArray(breakOn) && breakOn.length > 0 ? { [BREAK_ON_ENV]: parseBreakOn(breakOn.join(',')).join(',') } : {};
    return { ...configuration, env: { ...configuration.env, ...this.channelEnv(label, 'debug'), ...breakOnEnv } };
  }
}

/** Registers the provider for every Node debug type; the disposables go into context.subscriptions. */
export function registerChannelDebugConfigurationProvider(channelEnv: (label: string, kind: 'debug') => Record<string, string>): vscode.Disposable[] {
  const provider = new ChannelDebugConfigurationProvider(channelEnv);
  return NODE_DEBUG_TYPES.map((type) => vscode.debug.registerDebugConfigurationProvider(type, provider));
}
