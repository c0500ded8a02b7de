import * as vscode from 'vscode';
import type { ClientTimeout } from '../inspector/advice/timeoutBudget';

/** The MCP clients' request timeout as `lockInspector.client.requestTimeoutMs` sets it; undefined at 0 (each call's own client's then). */
export function configuredClientTimeout(): ClientTimeout | undefined {
  const timeoutMs = vscode.workspace.getConfiguration('lockInspector').get<number>('client.requestTimeoutMs', 0);
  return typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0 ? { timeoutMs, label: 'lockInspector.client.requestTimeoutMs' } : undefined;
}
