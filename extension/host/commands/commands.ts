import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import {
  describeParallelCallsOutcome,
  MAX_PARALLEL_CALLS,
  runParallelToolCalls,
  validateParallelCallsRequest,
  type ParallelCallsOutcome,
  type ParallelCallsRequest,
} from '../client/parallelToolCalls';
import { sampleToolArguments } from '../client/sampleToolArguments';
import { RaceProbe } from '../client/raceProbe';
import { raceProbeSummary } from '../../contract/describe';
import type { DebugServerLauncher } from '../debug/debugServer';
import type { InspectorModelReader } from '../../contract/inspectorSnapshot';
import { exportChromeTrace } from '../../inspector/traceExport';
import type { ServerInfo, ServerManager } from '../lifecycle/serverManager';
import type { TimelineFilter } from '../../contract/webviewMessages';
import type { TimelineOpener } from '../views/timelinePanel';


/** What the commands act on. */
export interface CommandTargets {
  readonly model: InspectorModelReader & { clear(): void };
  readonly server: ServerManager;
  readonly timeline: TimelineOpener;
  readonly debugServer: DebugServerLauncher;
  /** Remembers the last parallel-call choices between sessions. */
  readonly workspaceState: vscode.Memento;
  readonly log: vscode.LogOutputChannel;
}

/** Parallel-call choices remembered for the next run. */
interface ParallelCallsMemory {
  readonly tool?: string;
  readonly argumentsByTool?: Readonly<Record<string, string>>;
  readonly count?: number;
  readonly concurrency?: number;
}

const PARALLEL_CALLS_MEMORY_KEY = 'lockInspector.parallelCalls';
const DEFAULT_COUNT = 20;
const DEFAULT_CONCURRENCY = 10;

/** Registers every command in COMMANDS; the returned disposables go into context.subscriptions. */
export function registerCommands(targets: CommandTargets): vscode.Disposable[] {
  const { model, server, timeline, log } = targets;

  const showErrorWithOutput = (message: string): void => {
    void vscode.window.showErrorMessage(`Lock Inspector: ${message}`, 'Show Output').then((choice) => choice && log.show());
  };

  const reportFailure = (info: ServerInfo): ServerInfo => {
    if (info.error) showErrorWithOutput(info.error);
    return info;
  };
  const startServer = async () => reportFailure(await server.start());

  const runParallelCalls = async (argument?: unknown): Promise<(ParallelCallsOutcome & { readonly lostUpdates: number }) | undefined> => {
    const request = argument === undefined ? undefined : parseParallelCallsArgument(argument);
    const client = await runningClient(server, 'run parallel tool calls', startServer, () => vscode.commands.executeCommand(COMMANDS.runParallelCalls, argument));
    if (!client) return undefined;
    if (request) await requireTool(client, request.tool, log);
    const chosen = request ?? (await askParallelCalls(client, targets.workspaceState));
    if (!chosen) return undefined;
    // A race probe too: lost updates the burst causes are counted and named in its result.
    const probe = new RaceProbe(model);
    const outcome = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Calling ${chosen.tool} ${chosen.count}× (${chosen.concurrency} at a time)`,
        cancellable: true,
      },
      (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort(new Error('Cancelled from the progress notification')));
        return runParallelToolCalls(client, {
          ...chosen,
          signal: controller.signal,
          onSettled: (settled, total) => progress.report({ increment: 100 / total, message: `${settled} of ${total} done` }),
        });
      },
    );
    const lostUpdates = await probe.finish();
    const description = `${describeParallelCallsOutcome(chosen.tool, outcome)}. ${raceProbeSummary(lostUpdates)}`;
    log.info(`Run Parallel Tool Calls: ${description}`);
    const show = outcome.errors || lostUpdates.length > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(description, 'Show Lock Timeline', 'Show Output').then((choice) => {
      if (choice === 'Show Lock Timeline') timeline.showTimeline({ tool: chosen.tool });
      else if (choice === 'Show Output') log.show();
    });
    return { ...outcome, lostUpdates: lostUpdates.length };
  };

  const exportTrace = async (argument?: unknown): Promise<string | undefined> => {
    let target: vscode.Uri | undefined;
    if (argument !== undefined) {
      const requested = (argument as { path?: unknown } | null)?.path;
      if (typeof requested !== 'string' || !requested) {
        throw new Error(`exportTrace takes { path: "trace.json" }, not ${JSON.stringify(argument)}.`);
      }
      target = vscode.Uri.file(path.resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(), requested));
    } else {
      if (model.history().length === 0) {
        void vscode.window.showInformationMessage('Lock Inspector has no events to export yet: start the server and run some tool calls first.');
        return undefined;
      }
      target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()), defaultTraceFileName(new Date())),
        filters: { 'Chrome trace (Perfetto, chrome://tracing)': ['json'] },
        saveLabel: 'Export Trace',
        title: 'Export lock trace',
      });
      if (!target) return undefined;
    }
    const trace = exportChromeTrace(model.history(), model.snapshot().sources);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(JSON.stringify(trace)));
    if (argument === undefined) {
      void vscode.window.showInformationMessage(`Exported ${trace.otherData.events} lock events to ${target.fsPath}. Open it in Perfetto or chrome://tracing.`, 'Open Perfetto').then((choice) => {
        if (choice) void vscode.env.openExternal(vscode.Uri.parse('https://ui.perfetto.dev'));
      });
    }
    return target.fsPath;
  };

  return [
    vscode.commands.registerCommand(COMMANDS.startServer, startServer),
    vscode.commands.registerCommand(COMMANDS.stopServer, () => server.stop()),
    vscode.commands.registerCommand(COMMANDS.restartServer, async () => reportFailure(await server.restart())),
    vscode.commands.registerCommand(COMMANDS.showTimeline, (filter?: TimelineFilter) => timeline.showTimeline(filter)),
    vscode.commands.registerCommand(COMMANDS.runParallelCalls, runParallelCalls),
    vscode.commands.registerCommand(COMMANDS.exportTrace, exportTrace),
    vscode.commands.registerCommand(COMMANDS.clearHistory, () => {
      const clearedEvents = model.history().length;
      model.clear();
      return { clearedEvents };
    }),
    vscode.commands.registerCommand(COMMANDS.debugServer, (argument?: unknown) => targets.debugServer.launch(argument)),
  ];
}

/** The MCP client of the running server, waiting for a start in progress; otherwise says so, offers to start, and resolves undefined. */
async function runningClient(server: ServerManager, purpose: string, start: () => Promise<{ error?: string }>, retry: () => unknown) {
  if (server.info.state === 'starting') await server.start();
  if (server.client) return server.client;
  const startAction = 'Start Server';
  // Not awaited: a command run from code must not hang on a message nobody answers.
  void vscode.window.showWarningMessage(`The Lock Inspector server is not running: start it to ${purpose}.`, startAction).then(async (choice) => {
    if (choice === startAction && !(await start()).error) await retry();
  });
  return undefined;
}

/** Rejects, saying which tools there are, when the running server has no tool of that name (a lens on another server's handler). */
async function requireTool(client: NonNullable<ServerManager['client']>, tool: string, log: vscode.LogOutputChannel): Promise<void> {
  const { tools } = await client.listTools();
  if (tools.some(({ name }) => name === tool)) return;
  const message = `The running server has no tool "${tool}"; its tools are ${tools.map(({ name }) => name).join(', ') || '(none)'}. Point lockInspector.server.command at the server that defines ${tool}.`;
  log.error(`Run Parallel Tool Calls: ${message}`);
  throw new Error(message);
}

/** Checks the argument of `runParallelCalls` run from code, filling defaults for count and concurrency. */
function parseParallelCallsArgument(argument: unknown): Omit<ParallelCallsRequest, 'signal' | 'onSettled'> {
  if (argument === null || typeof argument !== 'object' || Array.isArray(argument)) {
    throw new Error(`runParallelCalls takes { tool, arguments?, count?, concurrency?, timeoutMs? }, not ${JSON.stringify(argument)}.`);
  }
  const input = argument as Record<string, unknown>;
  const request = {
    tool: input.tool as string,
    arguments: (input.arguments ?? {}) as Record<string, unknown>,
    count: (input.count ?? DEFAULT_COUNT) as number,
    concurrency: (input.concurrency ?? DEFAULT_CONCURRENCY) as number,
    ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs as number }),
  };
  validateParallelCallsRequest(request);
  if (request.timeoutMs !== undefined && !(Number.isFinite(request.timeoutMs) && request.timeoutMs > 0)) {
    throw new Error(`timeoutMs must be a positive number of milliseconds, not ${JSON.stringify(input.timeoutMs)}.`);
  }
  return request;
}

/** Asks for tool, arguments, count and concurrency; undefined when the user backs out at any step. */
async function askParallelCalls(
  client: NonNullable<ServerManager['client']>,
  memento: vscode.Memento,
): Promise<Omit<ParallelCallsRequest, 'signal' | 'onSettled'> | undefined> {
  const memory = memento.get<ParallelCallsMemory>(PARALLEL_CALLS_MEMORY_KEY, {});
  const { tools } = await client.listTools();
  if (tools.length === 0) {
    void vscode.window.showWarningMessage('The running server offers no tools to call.');
    return undefined;
  }
  const ordered = [...tools].sort((a, b) => Number(b.name === memory.tool) - Number(a.name === memory.tool));
  const picked = await vscode.window.showQuickPick(
    ordered.map((tool) => ({
      label: tool.name,
      description: tool.annotations?.readOnlyHint ? 'read-only' : undefined,
      detail: tool.description,
      tool,
    })),
    { title: 'Run Parallel Tool Calls (1/4)', placeHolder: 'Which tool should the parallel calls call?', matchOnDetail: true, ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  const tool = picked.tool;

  const argumentsText = await vscode.window.showInputBox({
    title: `Run Parallel Tool Calls (2/4): arguments of ${tool.name}`,
    prompt: 'A JSON object; every call gets the same arguments',
    value: memory.argumentsByTool?.[tool.name] ?? JSON.stringify(sampleToolArguments(tool.inputSchema)),
    ignoreFocusOut: true,
    validateInput: (text) => argumentsError(text),
  });
  if (argumentsText === undefined) return undefined;

  const count = await askWholeNumber(`Run Parallel Tool Calls (3/4): how many calls of ${tool.name}?`, memory.count ?? DEFAULT_COUNT, 1, MAX_PARALLEL_CALLS);
  if (count === undefined) return undefined;
  const concurrency = await askWholeNumber('Run Parallel Tool Calls (4/4): how many at a time?', Math.min(memory.concurrency ?? DEFAULT_CONCURRENCY, count), 1, count);
  if (concurrency === undefined) return undefined;

  await memento.update(PARALLEL_CALLS_MEMORY_KEY, {
    tool: tool.name,
    argumentsByTool: { ...memory.argumentsByTool, [tool.name]: argumentsText },
    count,
    concurrency,
  } satisfies ParallelCallsMemory);
  return { tool: tool.name, arguments: JSON.parse(argumentsText) as Record<string, unknown>, count, concurrency };
}

function argumentsError(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : 'Enter a JSON object, e.g. {"account": "alice", "amount": 5}';
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}

async function askWholeNumber(title: string, initial: number, min: number, max: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    value: String(initial),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const number = Number(value);
      return Number.isInteger(number) && number >= min && number <= max ? undefined : `Enter a whole number from ${min} to ${max}`;
    },
  });
  return text === undefined ? undefined : Number(text);
}

/** `lock-trace-20250101-120000.json` in local time. */
function defaultTraceFileName(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `lock-trace-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}.json`;
}
