import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { InspectorHub } from '../inspector/inspectorHub';
import { InspectorModel } from '../inspector/inspectorModel';
import type { InspectorSnapshot, ModelChange } from '../contract/inspectorSnapshot';
import type { SourceKind } from '../contract/wireFormat';
import { exportChromeTrace } from '../inspector/traceExport';
import { recordingOf, writeRecording } from '../inspector/recording';
import { adviceWarnings } from '../inspector/advice/adviceWarnings';
import { BoundedLineOutput } from './boundedLineOutput';
import { EXIT_CODES, type CliCommand, type FailOnKind } from './cliArgs';
import { writeHubDiscovery } from '../inspector/hubDiscovery';
import { withPreload } from '../inspector/preloadEnvironment';
import { bundledPreloadFile } from './bundledPreloadFile';
import { renderLiveTable, renderSummary, sourceLine, warningLine } from './liveTable';
import { RedisLockSource, redisSourceLabel } from '../inspector/redisLockSource';
import { connectRedisLockState } from '../redis/redisLockStateReader';

/** The options of `watch`, as parsed from the command line. */
export type WatchCommand = Extract<CliCommand, { kind: 'watch' }>;

/** The process streams and environment `watch` works with (injectable for tests). */
export interface WatchIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

// A terminal redraw at most 4 times a second; the "held for" column still ticks when nothing changes.
const REDRAW_INTERVAL_MS = 250;
const IDLE_REDRAW_MS = 1000;
// Plain (non-terminal) output prints a status line at most this often, and only when something changed.
const STATUS_LINE_INTERVAL_MS = 5000;
const SERVER_OUTPUT_LINES_KEPT = 50;
const STOP_GRACE_MS = 3000;
const DRAIN_WAIT_MS = 1000;

// What --json may leave unwritten on a stdout that does not keep up, before it drops events instead.
const JSON_OUTPUT_MAX_UNWRITTEN_BYTES = 1024 * 1024;

const ALTERNATE_SCREEN_ON = '\x1b[?1049h\x1b[?25l';
const ALTERNATE_SCREEN_OFF = '\x1b[?25h\x1b[?1049l';

/** Runs `watch`: opens the channel, starts the server (unless --listen), shows its locks, and returns the exit code. */
export async function runWatch(command: WatchCommand, io: WatchIo): Promise<number> {
  const display = command.json ? io.stderr : io.stdout;
  const live = display.isTTY === true;
  const say = (line: string) => display.write(`${line}\n`);
  const model = new InspectorModel({ maxEvents: command.maxEvents });
  const hub = await InspectorHub.listen({
    model,
    logger: { info: () => {}, warn: (message) => (live ? undefined : io.stderr.write(`inspector: ${message}\n`)) },
  });

  let redisSource: RedisLockSource | undefined;
  if (command.redisUrl !== undefined) {
    const sayRedisProblem = (problem: string) => io.stderr.write(`--redis: ${problem}\n`);
    try {
      const connection = await connectRedisLockState(command.redisUrl);
      redisSource = new RedisLockSource(connection, model, { id: 'redis', label: redisSourceLabel(command.redisUrl) }, { onProblem: (problem) => problem && sayRedisProblem(problem) });
      await redisSource.start();
    } catch (error) {
      sayRedisProblem((error as Error).message);
      await hub.dispose();
      return EXIT_CODES.redisUnreachable;
    }
  }

  const kind: SourceKind = command.serverCommand ? 'launched' : 'external';
  const label = command.label ?? (command.serverCommand ? labelOf(command.serverCommand) : 'external');
  const env = hub.envFor(label, kind);
  // Written before anything is printed, so a script that waits for our output finds the file complete.
  if (command.envFilePath) {
    try {
      await writeEnvFile(command.envFilePath, env);
    } catch (error) {
      io.stderr.write(`mcp-lock-inspector: ${(error as Error).message} Choose a path in a folder you own.\n`);
      await redisSource?.stop();
      await hub.dispose();
      return EXIT_CODES.usage;
    }
  }
  // With --listen, `mcp-lock-inspector run` in any client's config finds this inspector.
  const unpublish = command.serverCommand ? undefined : writeHubDiscovery({ address: hub.address, token: hub.token, pid: process.pid }, io.env);
  const failOnCounts = new Map<FailOnKind, number>();
  const serverOutput: string[] = [];
  const startedAtMs = Date.now();
  const title = () =>
    `MCP Lock Inspector · ${command.serverCommand ? `watching ${label}` : 'listening'} · ${formatElapsed(Date.now() - startedAtMs)} · Ctrl-C to stop`;
  const preamble = command.serverCommand ? [] : ['Give a server this environment:', ...exportLines(env), ''];

  // Event intake: JSON lines, --fail-on counting, plain-mode lines.
  const jsonOutput = command.json ? new BoundedLineOutput(io.stdout, JSON_OUTPUT_MAX_UNWRITTEN_BYTES, (message) => io.stderr.write(`--json: ${message}\n`)) : undefined;
  const printedWarnings = new Set<string>();
  const sourceStates = new Map<string, boolean>();
  let lastStatusLine = '';
  let lastStatusAtMs = 0;
  const onChange = (change: ModelChange) => {
    for (const event of change.events) {
      jsonOutput?.write(() => `${JSON.stringify(event)}\n`);
      const failOn = failOnKindOf(event.type);
      if (failOn) failOnCounts.set(failOn, (failOnCounts.get(failOn) ?? 0) + 1);
    }
    if (live) return requestRedraw();
    for (const source of change.snapshot.sources) {
      if (sourceStates.get(source.id) === source.connected) continue;
      sourceStates.set(source.id, source.connected);
      say(`${clockTime()} source ${sourceLine(source)}`);
    }
    for (const warning of [...change.snapshot.warnings].reverse()) {
      if (printedWarnings.has(warning.id)) continue;
      printedWarnings.add(warning.id);
      say(`WARNING ${warningLine(warning)}`);
    }
    requestStatusLine();
  };
  let statusTimer: NodeJS.Timeout | undefined;
  const printStatusLine = () => {
    statusTimer = undefined;
    const status = statusLine(model.snapshot());
    if (status === lastStatusLine) return;
    lastStatusLine = status;
    lastStatusAtMs = Date.now();
    say(`${clockTime()} ${status}`);
  };
  const requestStatusLine = () => {
    statusTimer ??= setTimeout(printStatusLine, Math.max(0, lastStatusAtMs + STATUS_LINE_INTERVAL_MS - Date.now()));
  };
  model.subscribe(onChange);

  // Live terminal table.
  let redrawTimer: NodeJS.Timeout | undefined;
  let lastRedrawMs = 0;
  const draw = () => {
    redrawTimer = undefined;
    lastRedrawMs = Date.now();
    const lines = renderLiveTable(model.snapshot(), {
      title: title(),
      preamble,
      columns: display.columns ?? 100,
      rows: display.rows ?? 40,
      serverOutput,
    });
    display.write(`\x1b[H${lines.map((line) => `${line}\x1b[K`).join('\n')}\x1b[J`);
  };
  const requestRedraw = () => {
    if (redrawTimer) return;
    redrawTimer = setTimeout(draw, Math.max(0, lastRedrawMs + REDRAW_INTERVAL_MS - Date.now()));
  };
  const idleRedraw = live ? setInterval(requestRedraw, IDLE_REDRAW_MS) : undefined;
  if (live) {
    display.write(ALTERNATE_SCREEN_ON);
    display.on('resize', requestRedraw);
    draw();
  } else if (!command.serverCommand) {
    say(`Inspector channel open. ${preamble[0] ?? ''}`);
    for (const line of preamble.slice(1, -1)) say(line);
  }

  // The server, and what ends the watch.
  const outcome = await new Promise<WatchOutcome>((resolve) => {
    let stopRequested = false;
    let child: ChildProcess | undefined;
    const stop = (reason: string) => {
      if (stopRequested) return;
      stopRequested = true;
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve({ kind: 'stopped', reason });
      child.stdin?.end();
      child.kill('SIGTERM');
      const force = setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(force);
        resolve({ kind: 'stopped', reason });
      });
    };
    // `watch --json ... | head` closes our stdout: stop cleanly instead of dying on EPIPE.
    io.stdout.on('error', () => stop('stdout closed'));
    process.once('SIGINT', () => stop('Ctrl-C'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    if (command.durationMs !== undefined) setTimeout(() => stop(`--duration ${command.durationMs! / 1000} s`), command.durationMs).unref();
    if (!command.serverCommand) {
      // Said only once Ctrl-C is ours to handle: a script may send it the moment it reads this.
      if (!live) say('Waiting for servers; Ctrl-C to stop.');
      return;
    }

    const [file, ...args] = command.serverCommand as [string, ...string[]];
    child = spawn(file, args, {
      env: command.preload ? withPreload({ ...io.env, ...env }, bundledPreloadFile()) : { ...io.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    child.once('error', (error) => resolve({ kind: 'spawnFailed', error }));
    // Whatever ends this process, the server must not outlive it (an HTTP server has no stdin to notice).
    const killOrphan = () => child?.kill('SIGKILL');
    process.once('exit', killOrphan);
    child.once('exit', () => process.off('exit', killOrphan));
    child.stdin?.on('error', () => {});
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        // A stdio MCP server's stdout is protocol traffic (its MCP client is not us): only people's lines are shown.
        if (isJsonRpc(line)) return;
        serverOutput.push(line);
        if (serverOutput.length > SERVER_OUTPUT_LINES_KEPT) serverOutput.shift();
        if (!live) io.stderr.write(`server| ${line}\n`);
      });
    }
    child.once('exit', (code, signal) => {
      if (!stopRequested) resolve({ kind: 'serverExited', code, signal });
    });
  });

  // Let the last lines of a server that just exited reach the model before reporting.
  const drainDeadline = Date.now() + DRAIN_WAIT_MS;
  while (command.serverCommand && hub.stats().openConnections > 0 && Date.now() < drainDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  model.flushChanges();
  if (redrawTimer) clearTimeout(redrawTimer);
  if (statusTimer) clearTimeout(statusTimer);
  if (idleRedraw) clearInterval(idleRedraw);
  if (live) {
    display.off('resize', requestRedraw);
    display.write(ALTERNATE_SCREEN_OFF);
  }

  const snapshot = model.snapshot();
  if (jsonOutput !== undefined && jsonOutput.dropped > 0) {
    io.stderr.write(`--json: ${jsonOutput.dropped.toLocaleString('en-US')} events were not written: stdout did not keep up. Read it faster, or write to a file.\n`);
  }
  if (outcome.kind === 'spawnFailed') {
    io.stderr.write(`mcp-lock-inspector: could not start "${command.serverCommand?.[0]}": ${describeSpawnError(outcome.error)}\n`);
  } else if (outcome.kind === 'serverExited') {
    say(`Server exited ${outcome.signal ? `on signal ${outcome.signal}` : `with code ${outcome.code}`}.`);
    if (serverFailed(outcome) && live && serverOutput.length > 0) {
      io.stderr.write(`Last lines of the server's output:\n${serverOutput.slice(-10).map((line) => `  ${line}`).join('\n')}\n`);
    }
  } else {
    say(`Stopped (${outcome.reason}).`);
  }
  if (outcome.kind !== 'spawnFailed') {
    for (const line of renderSummary(snapshot)) say(line);
    const clientTimeout = command.clientTimeoutMs === undefined ? undefined : { timeoutMs: command.clientTimeoutMs, label: '--client-timeout-ms' };
    for (const advice of adviceWarnings(model.history(), { clientTimeout })) say(`ADVICE ${advice.message}`);
  }
  if (command.tracePath) {
    const trace = exportChromeTrace(model.history(), snapshot.sources);
    await writeFile(command.tracePath, JSON.stringify(trace));
    const evicted = model.historyEvicted > 0 ? ` (the oldest ${model.historyEvicted} events were beyond --max-events)` : '';
    say(`Trace written to ${command.tracePath}: ${model.history().length} events${evicted}. Open it in https://ui.perfetto.dev or chrome://tracing.`);
  }
  if (command.recordPath) {
    await writeRecording(command.recordPath, recordingOf(model));
    say(`Recording saved to ${command.recordPath}: ${model.history().length} events. Open it with "Lock Inspector: Open Recording" in VS Code.`);
  }
  unpublish?.();
  await redisSource?.stop();
  await hub.dispose();

  if (outcome.kind === 'spawnFailed') return EXIT_CODES.serverDidNotStart;
  if (command.failOn.length > 0) {
    const happened = command.failOn.filter((failOn) => (failOnCounts.get(failOn) ?? 0) > 0);
    if (happened.length > 0) {
      say(`--fail-on: ${happened.map((failOn) => `${failOn} happened ${failOnCounts.get(failOn)} time(s)`).join(', ')}. Exit code ${EXIT_CODES.lockProblem}.`);
      return EXIT_CODES.lockProblem;
    }
    say(`--fail-on ${command.failOn.join(',')}: none happened.`);
  }
  if (outcome.kind === 'serverExited' && serverFailed(outcome)) return EXIT_CODES.serverFailed;
  return EXIT_CODES.ok;
}

type WatchOutcome =
  | { readonly kind: 'stopped'; readonly reason: string }
  | { readonly kind: 'serverExited'; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly kind: 'spawnFailed'; readonly error: Error };

// A server that Ctrl-C in the terminal reached before us ended as the user asked; that is not a failure.
function serverFailed(outcome: { code: number | null; signal: NodeJS.Signals | null }): boolean {
  if (outcome.signal !== null) return outcome.signal !== 'SIGINT';
  return outcome.code !== 0 && outcome.code !== 130;
}

function failOnKindOf(eventType: string): FailOnKind | undefined {
  switch (eventType) {
    case 'deadlock':
    case 'inversion':
    case 'timeout':
    case 'longHold':
      return eventType;
    case 'lostUpdate':
      return 'lost-update';
    default:
      return undefined;
  }
}

function isJsonRpc(line: string): boolean {
  return line.startsWith('{') && line.includes('"jsonrpc"');
}

function statusLine(snapshot: InspectorSnapshot): string {
  const { held, waiting, timeouts, deadlocks, events } = snapshot.totals;
  const busiest = snapshot.resources[0];
  const queue = busiest && busiest.waiters.length > 0 ? `, longest queue ${busiest.waiters.length} on ${busiest.id}` : '';
  return `status: held ${held}, waiting ${waiting}${queue}, timeouts ${timeouts}, deadlocks ${deadlocks}, events ${events}`;
}

function labelOf(serverCommand: readonly string[]): string {
  const words = serverCommand.map((word, index) => (index === 0 || word.includes(path.sep) ? path.basename(word) : word));
  const text = words.join(' ');
  return text.length > 48 ? `${text.slice(0, 47)}…` : text;
}

function exportLines(env: Record<string, string>): string[] {
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  return Object.entries(env).map(([name, value]) =>
    process.platform === 'win32' ? `  set ${name}=${value}` : `  export ${name}=${quote(value)}`,
  );
}

/**
 * Writes the environment (the token is a secret) to a file only its user can read: always a new file, created
 * 0600 with O_EXCL beside `file` and renamed over it, so an existing file's looser mode is never kept and a symlink
 * at `file` is replaced, never followed.
 */
async function writeEnvFile(file: string, env: Record<string, string>): Promise<void> {
  const text = Object.entries(env).map(([name, value]) => `${name}=${value}\n`).join('');
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  try {
    // The umask may have taken bits away, never added them; set the mode exactly.
    await handle.chmod(0o600);
    await handle.writeFile(text);
    await handle.close();
    await rename(temporary, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw new Error(`--write-env: could not write ${file} (${(error as Error).message}).`);
  }
}

function describeSpawnError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'command not found. Check the command after "--" and your PATH (e.g. use "node server.js").';
  if (code === 'EACCES') return 'permission denied. Make the file executable or run it through its interpreter (e.g. "node server.js").';
  return `${error.message}.`;
}

function clockTime(): string {
  return new Date().toTimeString().slice(0, 8);
}

function formatElapsed(elapsedMs: number): string {
  const seconds = Math.floor(elapsedMs / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
