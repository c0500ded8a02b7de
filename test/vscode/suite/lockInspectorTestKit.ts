import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import * as vscode from 'vscode';
import type { LockInspectorApi } from '../../../extension/host/api';
import type { InspectorSnapshot, SourcedEvent, SourceInfo } from '../../../extension/contract/inspectorSnapshot';
import type { SourceKind } from '../../../extension/contract/wireFormat';
import { activateLockInspector } from '../harness/lockInspectorExtension';

/** The public API activate() returned. */
export async function lockInspectorApi(): Promise<LockInspectorApi> {
  const extension = await activateLockInspector();
  return extension.exports as LockInspectorApi;
}

/** Whether a process with this pid exists (signal 0 only checks). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the first value `probe` returns (checked now, on every model change and every 100 ms); rejects after `timeoutMs` saying what it waited for. */
export function waitFor<T>(api: LockInspectorApi, what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const value = probe();
      if (value === undefined || value === false) return false;
      finish();
      resolve(value);
      return true;
    };
    const subscriptions = [api.onDidChange(check), api.onDidChangeServerState(check)];
    // State outside the model (a pid going away) changes without an event.
    const poll = setInterval(check, 100);
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const finish = () => {
      clearInterval(poll);
      clearTimeout(timer);
      subscriptions.forEach((subscription) => subscription.dispose());
    };
    check();
  });
}

/** The connected source of this kind (and pid, when given). */
export function connectedSource(snapshot: InspectorSnapshot, kind: SourceKind, pid?: number): SourceInfo | undefined {
  return snapshot.sources.find((source) => source.connected && source.kind === kind && (pid === undefined || source.pid === pid));
}

/** Collects every event the model reports until disposed. */
export function recordEvents(api: LockInspectorApi): { readonly events: SourcedEvent[]; dispose(): void } {
  const events: SourcedEvent[] = [];
  const subscription = api.onDidChange((change) => events.push(...change.events));
  return { events, dispose: () => subscription.dispose() };
}

/** Sets a setting in the test workspace for the duration of the suite; returns the function that restores it. */
export async function useSetting(section: string, key: string, value: unknown): Promise<() => Promise<void>> {
  const configuration = vscode.workspace.getConfiguration(section);
  const previous = configuration.inspect(key)?.workspaceValue;
  await configuration.update(key, value, vscode.ConfigurationTarget.Workspace);
  return async () => vscode.workspace.getConfiguration(section).update(key, previous, vscode.ConfigurationTarget.Workspace);
}

/** Connects an MCP client to a debugged server, retrying briefly: the debuggee reaches the inspector before its HTTP port opens. */
export async function connectWhenListening(client: Client, url: URL): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.connect(new StreamableHTTPClientTransport(url));
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
