import type { SourcedEvent } from '../../contract/inspectorSnapshot';
import { percentile } from './percentile';

/** The MCP TypeScript SDK's default request timeout (DEFAULT_REQUEST_TIMEOUT_MSEC), the budget when nothing else is known. */
export const SDK_DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * VS Code's MCP client sets no request timeout: McpServerRequestHandler.sendRequest (microsoft/vscode,
 * src/vs/workbench/contrib/mcp/common/mcpServerRequestHandler.ts) arms no timer, and McpTool.callWithProgress passes
 * only the chat's CancellationToken, so a tools/call ends with its answer or when the user cancels the chat request.
 */
const VSCODE_MCP_REQUEST_TIMEOUT_MS = Infinity;

/** The client's request timeout the budget is checked against, and what to call it. */
export interface ClientTimeout {
  readonly timeoutMs: number;
  readonly label: string;
}

/** The budget of a call made by a client that did not say who it is, or by any other SDK-based client. */
const SDK_DEFAULT_CLIENT_TIMEOUT: ClientTimeout = { timeoutMs: SDK_DEFAULT_REQUEST_TIMEOUT_MS, label: 'MCP SDK default' };
/** The budget of a call made by VS Code's own MCP client (Copilot agent mode): none. */
const VSCODE_CLIENT_TIMEOUT: ClientTimeout = { timeoutMs: VSCODE_MCP_REQUEST_TIMEOUT_MS, label: "VS Code's MCP client, which sets none" };

// The clientInfo names VS Code builds send (productService.nameLong): stable, Insiders, OSS builds, code-server, VSCodium.
const VSCODE_CLIENT_NAME = /^(Visual Studio Code|Code - OSS|code-server|VSCodium)( - [^/]*)?\//;

/** The request timeout of the client that made a call, from its owner's `caller` (`name/version`): VS Code's, else the SDK's default. */
export function clientTimeoutOf(caller: string | undefined): ClientTimeout {
  return caller !== undefined && VSCODE_CLIENT_NAME.test(caller) ? VSCODE_CLIENT_TIMEOUT : SDK_DEFAULT_CLIENT_TIMEOUT;
}

/** One tool whose waits and holds, or whose lock timeout, do not fit its client's request timeout. */
export interface TimeoutBudgetFinding {
  readonly sourceId: string;
  readonly tool: string;
  readonly waitP99Ms: number;
  readonly holdP99Ms: number;
  /** The longest wait that ended in a lock timeout: the lock timeout as the calls met it. */
  readonly lockTimeoutMs?: number;
  readonly clientTimeoutMs: number;
  readonly clientTimeoutLabel: string;
}

// Warn once a tool's p99 wait plus p99 hold uses this much of the client's budget: the tail beyond p99 overruns it.
const BUDGET_SHARE_WARNED = 0.5;

/**
 * Checks each tool's lock figures against its clients' request timeout: a lock timeout longer than the client's
 * (the client abandons the call while it still queues, then it may take the lock and work for nobody), or a p99
 * wait plus p99 hold past half the client's budget (slower calls get abandoned while queued or holding). The budget
 * is `configured` when given (a setting or flag), else the strictest of the clients seen calling the tool: VS Code's
 * (none, so nothing to overrun) or the MCP SDK's 60 s.
 */
export function timeoutBudget(history: readonly SourcedEvent[], configured?: ClientTimeout): TimeoutBudgetFinding[] {
  const byTool = new Map<string, { sourceId: string; tool: string; waits: number[]; holds: number[]; lockTimeoutMs?: number; client?: ClientTimeout }>();
  for (const event of history) {
    if (!('resource' in event) || event.owner?.tool === undefined) continue;
    const key = `${event.sourceId}\u0000${event.owner.tool}`;
    let figures = byTool.get(key);
    if (!figures) byTool.set(key, (figures = { sourceId: event.sourceId, tool: event.owner.tool, waits: [], holds: [] }));
    const client = configured ?? clientTimeoutOf(event.owner.caller);
    if (figures.client === undefined || client.timeoutMs < figures.client.timeoutMs) figures.client = client;
    if (event.type === 'acquired') figures.waits.push(event.waitedMs);
    else if (event.type === 'released') figures.holds.push(event.heldMs);
    else if (event.type === 'timeout') {
      figures.waits.push(event.waitedMs);
      figures.lockTimeoutMs = Math.max(figures.lockTimeoutMs ?? 0, event.waitedMs);
    }
  }
  const findings: TimeoutBudgetFinding[] = [];
  for (const figures of byTool.values()) {
    const client = figures.client as ClientTimeout;
    if (client.timeoutMs === Infinity) continue;
    const waitP99Ms = percentile(figures.waits, 0.99);
    const holdP99Ms = percentile(figures.holds, 0.99);
    const lockTimeoutTooLong = figures.lockTimeoutMs !== undefined && figures.lockTimeoutMs > client.timeoutMs;
    if (!lockTimeoutTooLong && waitP99Ms + holdP99Ms < BUDGET_SHARE_WARNED * client.timeoutMs) continue;
    findings.push({
      sourceId: figures.sourceId,
      tool: figures.tool,
      waitP99Ms,
      holdP99Ms,
      ...(figures.lockTimeoutMs !== undefined ? { lockTimeoutMs: figures.lockTimeoutMs } : {}),
      clientTimeoutMs: client.timeoutMs,
      clientTimeoutLabel: client.label,
    });
  }
  return findings;
}
