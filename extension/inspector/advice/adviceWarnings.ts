import { granularityAdviceMessage, readOnlyHintMessage, readOnlyViolationMessage, timeoutBudgetMessage } from '../../contract/describe';
import type { AdviceKind, SourcedEvent, WarningView } from '../../contract/inspectorSnapshot';
import { granularityWhatIf, type GranularityWhatIfOptions } from './granularityWhatIf';
import { parallelSafetyHints, readOnlyViolations } from './parallelSafetyHints';
import { timeoutBudget, type ClientTimeout } from './timeoutBudget';

/** What the advisors are told; every field has a default. */
export interface AdviceOptions {
  readonly granularity?: GranularityWhatIfOptions;
  /** The clients' request timeout, configured (`lockInspector.client.requestTimeoutMs`, `watch --client-timeout-ms`); without it each call's own client's (VS Code's: none; else the MCP SDK's 60 s). */
  readonly clientTimeout?: ClientTimeout;
}

/** An advice warning: one kind of the warning list, worded by the contract's describe module. */
export type AdviceWarning = Extract<WarningView, { readonly kind: 'advice' }>;

/**
 * Every advice the history supports, as warnings the views list beside the others: coarse locks with their what-if
 * figures, timeout budgets that do not fit the client's, tools that may be annotated read-only, and tools annotated
 * read-only that write.
 */
export function adviceWarnings(history: readonly SourcedEvent[], options: AdviceOptions = {}): AdviceWarning[] {
  const atMs = history.at(-1)?.atMs ?? 0;
  const advice = (kind: AdviceKind, sourceId: string, about: { resource: string } | { tool: string }, message: string): AdviceWarning => ({
    id: `advice:${kind}:${sourceId}:${'resource' in about ? about.resource : about.tool}`,
    kind: 'advice',
    advice: kind,
    sourceId,
    atMs,
    message,
    ...about,
  });
  return [
    ...granularityWhatIf(history, options.granularity).map((finding) => advice('granularity', finding.sourceId, { resource: finding.resource }, granularityAdviceMessage(finding))),
    ...timeoutBudget(history, options.clientTimeout).map((finding) => advice('timeoutBudget', finding.sourceId, { tool: finding.tool }, timeoutBudgetMessage(finding.tool, finding))),
    ...parallelSafetyHints(history).map((hint) => advice('readOnlyHint', hint.sourceId, { tool: hint.tool }, readOnlyHintMessage(hint.tool, hint.calls, hint.readLocks))),
    ...readOnlyViolations(history).map((violation) => advice('readOnlyViolation', violation.sourceId, { tool: violation.tool }, readOnlyViolationMessage(violation))),
  ];
}
