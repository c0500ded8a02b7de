import { granularityAdviceMessage, readOnlyHintMessage, timeoutBudgetMessage } from '../../contract/describe';
import type { SourcedEvent, WarningView } from '../../contract/inspectorSnapshot';
import { granularityWhatIf, type GranularityWhatIfOptions } from './granularityWhatIf';
import { parallelSafetyHints } from './parallelSafetyHints';
import { timeoutBudget, type ClientTimeout } from './timeoutBudget';

/** What the advisors are told; every field has a default. */
export interface AdviceOptions {
  readonly granularity?: GranularityWhatIfOptions;
  /** The clients' request timeout (default the MCP SDK's 60 s). */
  readonly clientTimeout?: ClientTimeout;
}

/** An advice warning: one kind of the warning list, worded by the contract's describe module. */
export type AdviceWarning = Extract<WarningView, { readonly kind: 'advice' }>;

/**
 * Every advice the history supports, as warnings the views list beside the others: coarse locks with their what-if
 * figures, timeout budgets that do not fit the client's, and tools that may be annotated read-only.
 */
export function adviceWarnings(history: readonly SourcedEvent[], options: AdviceOptions = {}): AdviceWarning[] {
  const atMs = history.at(-1)?.atMs ?? 0;
  return [
    ...granularityWhatIf(history, options.granularity).map((finding): AdviceWarning => ({
      id: `advice:granularity:${finding.sourceId}:${finding.resource}`,
      kind: 'advice',
      advice: 'granularity',
      sourceId: finding.sourceId,
      atMs,
      message: granularityAdviceMessage(finding),
      resource: finding.resource,
    })),
    ...timeoutBudget(history, options.clientTimeout).map((finding): AdviceWarning => ({
      id: `advice:timeoutBudget:${finding.sourceId}:${finding.tool}`,
      kind: 'advice',
      advice: 'timeoutBudget',
      sourceId: finding.sourceId,
      atMs,
      message: timeoutBudgetMessage(finding.tool, { ...finding }),
      tool: finding.tool,
    })),
    ...parallelSafetyHints(history).map((hint): AdviceWarning => ({
      id: `advice:readOnlyHint:${hint.sourceId}:${hint.tool}`,
      kind: 'advice',
      advice: 'readOnlyHint',
      sourceId: hint.sourceId,
      atMs,
      message: readOnlyHintMessage(hint.tool, hint.calls, hint.readLocks),
      tool: hint.tool,
    })),
  ];
}
