import { describeOwner, formatDuration, leaseRunningOutText } from '../contract/describe';
import type { InspectorSnapshot, PartyView, SourceInfo, ToolView, WarningView } from '../contract/inspectorSnapshot';

/** What frames the table besides the snapshot. */
export interface LiveTableOptions {
  /** First line, e.g. what is being watched. */
  readonly title: string;
  /** Extra lines under the title, e.g. the environment to export in --listen mode. */
  readonly preamble?: readonly string[];
  /** Terminal size; lines are cut to `columns` and sections shortened to fit `rows`. */
  readonly columns: number;
  readonly rows: number;
  /** Last lines the server printed. */
  readonly serverOutput?: readonly string[];
}

const MAX_WARNING_LINES = 6;

/** Every per-tool column a table can show, by heading. */
const TOOL_COLUMNS = {
  TOOL: (tool) => tool.tool,
  CALLS: (tool) => String(tool.calls),
  ACTIVE: (tool) => String(tool.active),
  ERRORS: (tool) => String(tool.errors),
  'WAIT p50': (tool) => durationCell(tool.wait.count, tool.wait.p50),
  'WAIT p95': (tool) => durationCell(tool.wait.count, tool.wait.p95),
  'MAX WAIT': (tool) => durationCell(tool.wait.count, tool.wait.max),
  'HOLD p95': (tool) => durationCell(tool.hold.count, tool.hold.p95),
  TIMEOUTS: (tool) => String(tool.timeouts),
  DEADLOCKS: (tool) => String(tool.deadlocks),
} satisfies Record<string, (tool: ToolView) => string>;

type ToolColumn = keyof typeof TOOL_COLUMNS;
const LIVE_TOOL_COLUMNS: readonly ToolColumn[] = ['TOOL', 'CALLS', 'ACTIVE', 'WAIT p95', 'HOLD p95', 'MAX WAIT', 'TIMEOUTS', 'DEADLOCKS', 'ERRORS'];
const SUMMARY_TOOL_COLUMNS: readonly ToolColumn[] = ['TOOL', 'CALLS', 'ERRORS', 'WAIT p50', 'WAIT p95', 'MAX WAIT', 'HOLD p95', 'TIMEOUTS', 'DEADLOCKS'];
const MAX_SERVER_OUTPUT_LINES = 3;
// Wide enough for a holder on a replica whose lease runs out; the terminal's width cuts the line anyway.
const MAX_COLUMN_WIDTH = 72;

/** Renders the live view as lines: busy resources, per-tool figures, warnings. */
export function renderLiveTable(snapshot: InspectorSnapshot, options: LiveTableOptions): string[] {
  const busy = snapshot.resources.filter((resource) => resource.holders.length > 0 || resource.waiters.length > 0);
  const sourceLabel = labeller(snapshot.sources);
  const warnings = snapshot.warnings.slice(0, MAX_WARNING_LINES);
  const serverOutput = (options.serverOutput ?? []).slice(-MAX_SERVER_OUTPUT_LINES);

  const head = [options.title, ...(options.preamble ?? []), sourcesLine(snapshot.sources), totalsLine(snapshot), ''];
  const toolLines = snapshot.tools.length === 0 ? ['(no tool calls yet)'] : toolTable(snapshot.tools, LIVE_TOOL_COLUMNS);
  const warningLines = warnings.length === 0 ? ['(none)'] : warnings.map(warningLine);
  const tail = [
    '',
    'TOOLS',
    ...toolLines,
    '',
    `WARNINGS${snapshot.warnings.length > warnings.length ? ` (newest ${warnings.length} of ${snapshot.warnings.length})` : ''}`,
    ...warningLines,
    ...(serverOutput.length > 0 ? ['', 'SERVER OUTPUT', ...serverOutput] : []),
  ];

  // Resources get the rows left over; at least a few, even in a short terminal.
  const resourceRows = Math.max(3, options.rows - head.length - tail.length - 3);
  const shown = busy.slice(0, resourceRows);
  const resourceLines =
    busy.length === 0
      ? ['(no lock is held or awaited right now)']
      : table(
          ['RESOURCE', 'HOLDER', 'HELD FOR', 'QUEUE', 'WAITERS'],
          shown.map((resource) => [
            sourceLabel(resource.sourceId) + resource.id,
            partiesCell(resource.holders, 2, snapshot.atMs),
            resource.holders[0] ? formatDuration(Math.max(0, snapshot.atMs - resource.holders[0].sinceMs)) : '-',
            String(resource.waiters.length),
            partiesCell(resource.waiters, 3, snapshot.atMs),
          ]),
        );
  const more = busy.length > shown.length ? [`... and ${busy.length - shown.length} more busy resources`] : [];
  const lines = [...head, `BUSY RESOURCES (${busy.length})`, ...resourceLines, ...more, ...tail];
  return lines.map((line) => cut(line, options.columns));
}

/** The end-of-run summary: totals, per-tool figures and every warning, for a log or a CI job. */
export function renderSummary(snapshot: InspectorSnapshot): string[] {
  const tools = toolTable(snapshot.tools, SUMMARY_TOOL_COLUMNS);
  const contended = [...snapshot.resources]
    .filter((resource) => resource.wait.count > 0)
    .sort((a, b) => b.wait.p95 - a.wait.p95 || b.timeouts - a.timeouts)
    .slice(0, 5);
  const resources = table(
    ['MOST CONTENDED', 'ACQUIRED', 'WAIT p95', 'MAX WAIT', 'TIMEOUTS', 'DEADLOCKS'],
    contended.map((resource) => [
      resource.id,
      String(resource.acquisitions),
      durationCell(resource.wait.count, resource.wait.p95),
      durationCell(resource.wait.count, resource.wait.max),
      String(resource.timeouts),
      String(resource.deadlocks),
    ]),
  );
  const callers = snapshot.callers ?? [];
  const callerLines = table(
    ['CALLER', 'CALLS', 'WAIT p95', 'TIMEOUTS', 'DEADLOCKS'],
    callers.map((caller) => [caller.caller, String(caller.calls), durationCell(caller.wait.count, caller.wait.p95), String(caller.timeouts), String(caller.deadlocks)]),
  );
  return [
    'Summary',
    totalsLine(snapshot),
    ...(snapshot.tools.length > 0 ? ['', ...tools] : []),
    ...(callers.length > 0 ? ['', ...callerLines] : []),
    ...(contended.length > 0 ? ['', ...resources] : []),
    '',
    snapshot.warnings.length === 0 ? 'No warnings.' : `Warnings (${snapshot.warnings.length}, newest first):`,
    ...snapshot.warnings.map(warningLine),
  ];
}

/** One warning as a log line: time, kind, message. */
export function warningLine(warning: WarningView): string {
  return `${clockTime(warning.atMs)} ${warning.kind.padEnd(12)} ${warning.message}`;
}

/** One line about a source: label, kind, pid and whether it is connected. */
export function sourceLine(source: SourceInfo): string {
  return `${source.label} (${source.kind}, pid ${source.pid}, ${source.connected ? 'connected' : 'disconnected'})`;
}

function sourcesLine(sources: readonly SourceInfo[]): string {
  return sources.length === 0 ? 'sources: none connected yet' : `sources: ${sources.map(sourceLine).join('; ')}`;
}

function totalsLine(snapshot: InspectorSnapshot): string {
  const { held, waiting, timeouts, deadlocks, events, linesRejected } = snapshot.totals;
  return `held ${held}  waiting ${waiting}  timeouts ${timeouts}  deadlocks ${deadlocks}  events ${events}` +
    (linesRejected > 0 ? `  refused lines ${linesRejected}` : '');
}

// With several sources, resource ids are prefixed by the source label so equal ids stay apart; a resource merged
// over replicas by `replicas: ` (REPLICAS_SOURCE_ID; each party names its replica).
function labeller(sources: readonly SourceInfo[]): (sourceId: string) => string {
  if (sources.length <= 1) return () => '';
  const labels = new Map(sources.map((source) => [source.id, `${source.label}: `]));
  return (sourceId) => labels.get(sourceId) ?? `${sourceId}: `;
}

function partiesCell(parties: readonly PartyView[], shown: number, nowMs: number): string {
  if (parties.length === 0) return '-';
  const names = parties
    .slice(0, shown)
    .map((party) => describeOwner(party.owner, party.chainId) + (party.mode === 'read' ? ' (r)' : '') + (party.leaseEndsByMs === undefined ? '' : ` (${leaseRunningOutText(party.leaseEndsByMs, nowMs)})`));
  return parties.length > shown ? `${names.join(', ')}, +${parties.length - shown}` : names.join(', ');
}

function toolTable(tools: readonly ToolView[], columns: readonly ToolColumn[]): string[] {
  return table(columns, tools.map((tool) => columns.map((column) => TOOL_COLUMNS[column](tool))));
}

function durationCell(count: number, durationMs: number): string {
  return count === 0 ? '-' : formatDuration(durationMs);
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) => Math.min(MAX_COLUMN_WIDTH, Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length))));
  const format = (cells: readonly string[]) =>
    cells.map((text, column) => (column === cells.length - 1 ? text : cut(text, widths[column] as number).padEnd(widths[column] as number))).join('  ').trimEnd();
  return [format(headers), ...rows.map(format)];
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

function clockTime(epochMs: number): string {
  return new Date(epochMs).toTimeString().slice(0, 8);
}
