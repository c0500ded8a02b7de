import type { SourcedEvent } from '../../contract/inspectorSnapshot';
import { percentile } from './percentile';

/** The MCP TypeScript SDK's default request timeout (DEFAULT_REQUEST_TIMEOUT_MSEC), the budget when nothing else is known. */
export const SDK_DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** The client's request timeout the budget is checked against, and what to call it. */
export interface ClientTimeout {
  readonly timeoutMs: number;
  readonly label: string;
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
 * Checks each tool's lock figures against the client's request timeout: a lock timeout longer than the client's
 * (the client abandons the call while it still queues, then it may take the lock and work for nobody), or a p99
 * wait plus p99 hold past half the client's budget (slower calls get abandoned while queued or holding).
 */
export function timeoutBudget(history: readonly SourcedEvent[], client: ClientTimeout = { timeoutMs: SDK_DEFAULT_REQUEST_TIMEOUT_MS, label: 'MCP SDK default' }): TimeoutBudgetFinding[] {
  const byTool = new Map<string, { sourceId: string; waits: number[]; holds: number[]; lockTimeoutMs?: number }>();
  const figuresOf = (sourceId: string, tool: string) => {
    const key = `${sourceId}\u0000${tool}`;
    let figures = byTool.get(key);
    if (!figures) byTool.set(key, (figures = { sourceId, waits: [], holds: [] }));
    return figures;
  };
  for (const event of history) {
    if (!('resource' in event) || event.owner?.tool === undefined) continue;
    const figures = figuresOf(event.sourceId, event.owner.tool);
    if (event.type === 'acquired') figures.waits.push(event.waitedMs);
    else if (event.type === 'released') figures.holds.push(event.heldMs);
    else if (event.type === 'timeout') {
      figures.waits.push(event.waitedMs);
      figures.lockTimeoutMs = Math.max(figures.lockTimeoutMs ?? 0, event.waitedMs);
    }
  }
  const findings: TimeoutBudgetFinding[] = [];
  for (const [key, figures] of byTool) {
    const waitP99Ms = percentile(figures.waits, 0.99);
    const holdP99Ms = percentile(figures.holds, 0.99);
    const lockTimeoutTooLong = figures.lockTimeoutMs !== undefined && figures.lockTimeoutMs > client.timeoutMs;
    if (!lockTimeoutTooLong && waitP99Ms + holdP99Ms < BUDGET_SHARE_WARNED * client.timeoutMs) continue;
    findings.push({
      sourceId: figures.sourceId,
      tool: key.split('\u0000')[1] as string,
      waitP99Ms,
      holdP99Ms,
      ...(figures.lockTimeoutMs !== undefined ? { lockTimeoutMs: figures.lockTimeoutMs } : {}),
      clientTimeoutMs: client.timeoutMs,
      clientTimeoutLabel: client.label,
    });
  }
  return findings;
}
