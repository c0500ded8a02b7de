import { COMMANDS } from '../commands/commandIds';
import { formatDuration } from '../../contract/describe';
import type { DurationStats, InspectorSnapshot, ResourceView, ToolView } from '../../contract/inspectorSnapshot';
import type { LockSite, SourceRange, ToolRegistration } from './analyzeSource';
import { longestLiteralPart, matchesAnyResourcePattern } from './resourcePattern';

/** How many calls the "fire parallel calls" lens sends, and how many at once. */
export const PARALLEL_CALLS = { count: 20, concurrency: 10 } as const;

/** One code lens to draw, free of VS Code types: where, what it says, and what a click runs. */
export interface LensContent {
  readonly range: SourceRange;
  readonly title: string;
  readonly tooltip: string;
  readonly command: string;
  readonly arguments: readonly unknown[];
}

/**
 * The lenses over one tool registration: live figures once it has calls, otherwise a way to get some; and the
 * contention on the locks its handler takes through the functions and methods it calls.
 */
export function toolLenses(registration: ToolRegistration, snapshot: InspectorSnapshot): LensContent[] {
  const reached = registration.reachedLockPatterns?.length ? lockLenses(registration.range, registration.reachedLockPatterns, snapshot, 0) : [];
  return [...registrationLenses(registration, snapshot), ...reached];
}

function registrationLenses(registration: ToolRegistration, snapshot: InspectorSnapshot): LensContent[] {
  const { tool, range } = registration;
  if (tool === undefined) return [callToolHandlerLens(range, snapshot)];
  const view = snapshot.tools.find((candidate) => candidate.tool === tool);
  const fire: LensContent = {
    range,
    title: `Fire ${PARALLEL_CALLS.count} parallel calls`,
    tooltip: `Call ${tool} ${PARALLEL_CALLS.count} times, ${PARALLEL_CALLS.concurrency} at once, with ${JSON.stringify(registration.sampleArguments ?? {})}`,
    command: COMMANDS.runParallelCalls,
    arguments: [{ tool, arguments: registration.sampleArguments ?? {}, ...PARALLEL_CALLS }],
  };
  if (view && view.calls + view.active > 0) {
    const live: LensContent = {
      range,
      title: describeTool(view),
      tooltip: `Open the lock timeline filtered to ${tool}`,
      command: COMMANDS.showTimeline,
      arguments: [{ tool }],
    };
    return [live, fire];
  }
  if (!hasConnectedSource(snapshot)) {
    return [{ range, title: '▶ Start server', tooltip: 'Start the MCP server with Lock Inspector attached', command: COMMANDS.startServer, arguments: [] }, fire];
  }
  return [{ range, title: `${tool} · no calls yet`, tooltip: `Open the lock timeline filtered to ${tool}`, command: COMMANDS.showTimeline, arguments: [{ tool }] }, fire];
}

/** `transfer · 42 calls · wait p95 12 ms · hold p95 3.1 ms · 2 timeouts · holding account:alice`. */
function describeTool(view: ToolView): string {
  const parts = [view.tool, count(view.calls, 'call')];
  if (view.active > 0) parts.push(`${view.active} running`);
  parts.push(...percentile('wait', view.wait), ...percentile('hold', view.hold));
  if (view.timeouts > 0) parts.push(count(view.timeouts, 'timeout'));
  if (view.deadlocks > 0) parts.push(count(view.deadlocks, 'deadlock'));
  if (view.lostUpdates > 0) parts.push(count(view.lostUpdates, 'lost update'));
  if (view.errors > 0) parts.push(count(view.errors, 'error'));
  if (view.holding.length > 0) parts.push(`holding ${listSome(view.holding)}`);
  return parts.join(' · ');
}

/** A `tools/call` handler whose tool names the source does not spell out: figures over every tool. */
function callToolHandlerLens(range: SourceRange, snapshot: InspectorSnapshot): LensContent {
  if (snapshot.tools.length === 0 && !hasConnectedSource(snapshot)) {
    return { range, title: '▶ Start server', tooltip: 'Start the MCP server with Lock Inspector attached', command: COMMANDS.startServer, arguments: [] };
  }
  const calls = snapshot.tools.reduce((sum, view) => sum + view.calls, 0);
  const timeouts = snapshot.tools.reduce((sum, view) => sum + view.timeouts, 0);
  const parts = ['tools/call', count(calls, 'call'), count(snapshot.tools.length, 'tool')];
  if (timeouts > 0) parts.push(count(timeouts, 'timeout'));
  return { range, title: parts.join(' · '), tooltip: 'Open the lock timeline', command: COMMANDS.showTimeline, arguments: [{}] };
}

/** The lens over one `withLock` site: contention on the resources its patterns match; none while nothing reports. */
export function lockSiteLenses(site: LockSite, snapshot: InspectorSnapshot, warningCount: number): LensContent[] {
  return lockLenses(site.range, site.resourcePatterns, snapshot, warningCount);
}

/** Contention on the resources that match `patterns`, as one lens at `range`; none while nothing reports. */
function lockLenses(range: SourceRange, patterns: readonly string[], snapshot: InspectorSnapshot, warningCount: number): LensContent[] {
  const resources = snapshot.resources.filter((resource) => matchesAnyResourcePattern(patterns, resource.id));
  if (resources.length === 0 && !hasConnectedSource(snapshot)) return [];
  // Codicons, not emoji: lens titles render `$(name)` as VS Code's own icons, which every font setup can show.
  const label = `$(lock) ${patterns.join(' + ')}`;
  const parts = [label, ...(resources.length === 0 ? ['not taken yet'] : describeContention(resources, patterns))];
  if (warningCount > 0) parts.push(`$(warning) ${count(warningCount, 'warning')}`);
  const [firstPattern = ''] = patterns;
  const filter = { resource: longestLiteralPart(firstPattern) };
  return [{ range, title: parts.join(' · '), tooltip: `Open the lock timeline filtered to resources like ${firstPattern}`, command: COMMANDS.showTimeline, arguments: [filter] }];
}

function describeContention(resources: readonly ResourceView[], patterns: readonly string[]): string[] {
  const queued = resources.reduce((sum, resource) => sum + resource.waiters.length, 0);
  const held = resources.filter((resource) => resource.holders.length > 0).length;
  const timeouts = resources.reduce((sum, resource) => sum + resource.timeouts, 0);
  const deadlocks = resources.reduce((sum, resource) => sum + resource.deadlocks, 0);
  const [only] = resources;
  const parts = resources.length > 1 ? [count(resources.length, 'resource')] : patterns.includes(only!.id) ? [] : [only!.id];
  if (held > 0) parts.push(`${held} held`);
  parts.push(`queue ${queued} now`, count(timeouts, 'timeout'));
  if (deadlocks > 0) parts.push(count(deadlocks, 'deadlock'));
  // The worst resource's p95 is what someone tuning this site cares about; there is no pooled percentile to give.
  const worstWait = resources.reduce((worst, resource) => (resource.wait.count > 0 ? Math.max(worst, resource.wait.p95) : worst), -1);
  if (worstWait >= 0) parts.push(`wait p95 ${formatDuration(worstWait)}${resources.length > 1 ? ' (worst)' : ''}`);
  return parts;
}

function hasConnectedSource(snapshot: InspectorSnapshot): boolean {
  return snapshot.sources.some((source) => source.connected);
}

function percentile(what: string, stats: DurationStats): string[] {
  return stats.count > 0 ? [`${what} p95 ${formatDuration(stats.p95)}`] : [];
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}

/** At most two items, then how many more. */
function listSome(items: readonly string[]): string {
  const shown = items.slice(0, 2).join(', ');
  return items.length > 2 ? `${shown} +${items.length - 2}` : shown;
}
