import diagnosticsChannel from 'node:diagnostics_channel';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promiseHooks } from 'node:v8';
import type { LockSlowCall } from '../contract/lockEvents';
import { LockCall } from './lockCall';
import { currentLockFrame, type LockFrame } from './lockContext';
import { nowMs } from './nowMs';

// A traced hold records at most this many promises: a holder looping over thousands of awaits stays bounded.
const MAX_RECORDS_PER_TRACE = 256;
// Frames kept of the async stack, innermost first.
const MAX_FRAMES = 6;
// Each captured stack is read up to this deep: the holder's code lies under the awaited library's frames.
const STACK_DEPTH = 24;
// An outgoing request's stack is read deeper: undici creates the request some 30 frames below the fetch() call on Node 20.
const REQUEST_STACK_DEPTH = 64;
// The awaited call is reported only when it took at least this share of the hold so far.
const MIN_AWAITED_SHARE = 0.5;

/** One promise created in a traced holder's code: when, and its stack (formatted only if it is reported). */
interface AwaitRecord {
  readonly createdMs: number;
  readonly site: { stack?: string };
  /** Order of creation within the trace: the newest wins among equally deep candidates. */
  readonly order: number;
}

/** What is pending in one traced call: its unsettled promises, newest last. */
interface AwaitTrace {
  /** Holds of the call that asked for the trace (a `withLocks` call may trace several). */
  holds: number;
  recorded: number;
  readonly pending: Set<AwaitRecord>;
  /** breakOn's pause, run in the holder's own code the next time it makes a promise (or when the trace ends). */
  pauseOnResume: (() => void) | undefined;
}

/** An outgoing request (fetch) a lock holder started and that has not answered yet. */
interface ExternalCall extends AwaitRecord {
  /** What was called: `fetch GET http://host/path`. */
  readonly call: string;
  /** Every enclosing lock call, so that each of their holds sees it. */
  readonly holders: readonly LockFrame[];
}

const traces = new Map<LockFrame, AwaitTrace>();
/** Pending outgoing requests by enclosing lock call; entries leave when the response (or its error) arrives. */
const externalCalls = new WeakMap<LockFrame, Set<ExternalCall>>();
const externalCallOf = new WeakMap<object, ExternalCall>();
let watchingExternalCalls = false;
// Outgoing request URLs are cut to this length in events.
const MAX_CALL_TEXT = 200;
const recordOf = new WeakMap<Promise<unknown>, { trace: AwaitTrace; record: AwaitRecord }>();
let stopHooks: (() => void) | undefined;

/**
 * Which call a long hold was spent awaiting. Nothing is traced until a resource has been seen holding long
 * (`learn`); from then on, each hold of it traces its holder (`trace`): while any holder is traced, a promise hook
 * captures the stack of every promise the holder's code creates and forgets it once settled, so when the hold passes
 * its threshold the deepest promise still pending in the holder's own code is the awaited call. A holder whose chain
 * waits for another lock is not awaiting a call. The hook is installed only while a traced hold lasts, so the
 * uncontended path pays nothing, and a map whose holds are all short never installs it.
 */
export class SlowCallTracer {
  /** Resources seen holding long, so their next holds are traced; bounded, oldest forgotten first. */
  private readonly slowResources = new Set<string>();

  constructor(private readonly maxResources = 1024) {}

  /** Whether any resource has held long yet: until then no hold asks which resource it is on. */
  get knowsSlowResources(): boolean {
    return this.slowResources.size !== 0;
  }

  /** Whether holds of `resource` are traced. */
  isSlow(resource: string): boolean {
    return this.slowResources.has(resource);
  }

  /** Remembers that `resource` was held long: its next holds are traced. */
  learn(resource: string): void {
    if (this.slowResources.has(resource)) return;
    if (this.slowResources.size >= this.maxResources) this.slowResources.delete(this.slowResources.values().next().value as string);
    this.slowResources.add(resource);
  }

  /** Starts tracing what the call running in `frame` awaits (counted: stop once per start). */
  trace(frame: LockFrame): void {
    const trace = traces.get(frame);
    if (trace !== undefined) {
      trace.holds++;
      return;
    }
    traces.set(frame, { holds: 1, recorded: 0, pending: new Set(), pauseOnResume: undefined });
    stopHooks ??= installHooks();
  }

  /** Runs `pause` in the traced call's own code when it next makes a promise: at its resumption, its own frame on the stack. */
  pauseAtResumption(frame: LockFrame, pause: () => void): void {
    const trace = traces.get(frame);
    if (trace !== undefined) trace.pauseOnResume = pause;
  }

  /** Stops one trace of `frame` (a pause still waiting runs now, as its hold ends); the hook goes once nothing is traced. */
  untrace(frame: LockFrame): void {
    const trace = traces.get(frame);
    if (trace === undefined || --trace.holds > 0) return;
    traces.delete(frame);
    takePause(trace)?.();
    if (traces.size === 0 && stopHooks !== undefined) {
      stopHooks();
      stopHooks = undefined;
    }
  }

  /**
   * Starts noticing outgoing requests (fetch, through undici's diagnostics channel) made under a lock, from the first
   * hold a watchdog watches on (called when it arms its timer): a request outside any lock costs one context lookup.
   */
  watchExternalCalls(): void {
    if (watchingExternalCalls) return;
    watchingExternalCalls = true;
    diagnosticsChannel.subscribe('undici:request:create', onRequestCreated);
    for (const name of ['undici:request:headers', 'undici:request:error']) diagnosticsChannel.subscribe(name, onRequestAnswered);
  }

  /**
   * The call that `frame`'s code has been awaiting at `atMs` for most of a hold of `heldMs`: an outgoing request still
   * unanswered, else (when traced) the deepest promise of its own code still pending.
   */
  awaitedCall(frame: LockFrame, heldMs: number, atMs: number): LockSlowCall | undefined {
    for (const external of externalCalls.get(frame) ?? []) {
      if (atMs - external.createdMs < MIN_AWAITED_SHARE * heldMs) continue;
      const frames = holderFrames(external.site.stack);
      if (frames === undefined) continue;
      return { location: frames.locations[0] as string, awaitedMs: atMs - external.createdMs, frames: frames.names.slice(0, MAX_FRAMES), call: external.call };
    }
    const trace = traces.get(frame);
    if (trace === undefined) return undefined;
    let best: { frames: string[]; locations: string[]; record: AwaitRecord } | undefined;
    for (const record of trace.pending) {
      if (atMs - record.createdMs < MIN_AWAITED_SHARE * heldMs) continue;
      const frames = holderFrames(record.site.stack);
      if (frames === undefined) continue;
      if (best === undefined || frames.names.length > best.frames.length || (frames.names.length === best.frames.length && record.order > best.record.order)) {
        best = { frames: frames.names, locations: frames.locations, record };
      }
    }
    if (best === undefined) return undefined;
    return { location: best.locations[0] as string, awaitedMs: atMs - best.record.createdMs, frames: best.frames.slice(0, MAX_FRAMES) };
  }
}

function installHooks(): () => void {
  const stop = promiseHooks.createHook({ init: onPromiseCreated, settled: onPromiseSettled });
  return () => stop();
}

function onPromiseCreated(promise: Promise<unknown>): void {
  for (let frame = currentLockFrame(); frame !== undefined; frame = frame.parent) {
    const trace = traces.get(frame);
    if (trace === undefined) continue;
    if (trace.recorded >= MAX_RECORDS_PER_TRACE && trace.pauseOnResume === undefined) return;
    const site: { stack?: string } = {};
    const depth = Error.stackTraceLimit;
    Error.stackTraceLimit = STACK_DEPTH;
    Error.captureStackTrace(site, onPromiseCreated);
    Error.stackTraceLimit = depth;
    // Made by the holder's own code, not by a library working on its behalf: the holder is running again.
    if (trace.pauseOnResume !== undefined && holderFrames(site.stack)?.ownCodeOnTop === true) takePause(trace)?.();
    if (trace.recorded >= MAX_RECORDS_PER_TRACE) return;
    const record: AwaitRecord = { createdMs: nowMs(), site, order: trace.recorded++ };
    trace.pending.add(record);
    recordOf.set(promise, { trace, record });
    return;
  }
}

function onRequestCreated(message: unknown): void {
  const holders: LockFrame[] = [];
  for (let frame = currentLockFrame(); frame !== undefined; frame = frame.parent) {
    if (frame instanceof LockCall) holders.push(frame);
  }
  if (holders.length === 0) return;
  const request = (message as { request?: { method?: unknown; origin?: unknown; path?: unknown } }).request;
  if (request === undefined) return;
  const site: { stack?: string } = {};
  const depth = Error.stackTraceLimit;
  Error.stackTraceLimit = REQUEST_STACK_DEPTH;
  Error.captureStackTrace(site, onRequestCreated);
  Error.stackTraceLimit = depth;
  const call = `fetch ${String(request.method)} ${String(request.origin)}${String(request.path)}`.slice(0, MAX_CALL_TEXT);
  const external: ExternalCall = { createdMs: nowMs(), site, order: 0, call, holders };
  externalCallOf.set(request, external);
  for (const holder of holders) {
    let pending = externalCalls.get(holder);
    if (pending === undefined) externalCalls.set(holder, (pending = new Set()));
    pending.add(external);
  }
}

function onRequestAnswered(message: unknown): void {
  const request = (message as { request?: object }).request;
  const external = request === undefined ? undefined : externalCallOf.get(request);
  if (external === undefined) return;
  externalCallOf.delete(request as object);
  for (const holder of external.holders) externalCalls.get(holder)?.delete(external);
}

function takePause(trace: AwaitTrace): (() => void) | undefined {
  const pause = trace.pauseOnResume;
  trace.pauseOnResume = undefined;
  return pause;
}

function onPromiseSettled(promise: Promise<unknown>): void {
  const recorded = recordOf.get(promise);
  if (recorded === undefined) return;
  recordOf.delete(promise);
  recorded.trace.pending.delete(recorded.record);
}

const FRAME = /^\s*at (?:async )?(?:(.*?) \()?([^\s()]+):(\d+):(\d+)\)?\s*$/;
// The lock library's own frames are not the holder's code: its source folder, or the bundle this module is in.
const libraryFolder = libraryLocation(ownFile());

/**
 * The holder's frames of a captured stack, innermost first, as `name (file:line:column)`, from the first frame
 * outside Node's internals and dependencies; undefined when the promise was made by the lock library itself (its
 * waits and hand-overs) or shows no code of the holder.
 */
function holderFrames(stack: string | undefined): { names: string[]; locations: string[]; ownCodeOnTop: boolean } | undefined {
  const names: string[] = [];
  const locations: string[] = [];
  let sawCode = false;
  let ownCodeOnTop = false;
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const match = FRAME.exec(line);
    if (match === null) continue;
    const [, name, rawFile, lineNumber, column] = match as unknown as [string, string | undefined, string, string, string];
    if (rawFile.startsWith('node:') || rawFile === 'native') continue;
    const file = rawFile.startsWith('file://') ? fileURLToPath(rawFile) : rawFile;
    if (file.startsWith(libraryFolder)) {
      if (!sawCode) return undefined;
      break;
    }
    const dependency = /[\\/]node_modules[\\/]/.test(file);
    if (!sawCode) ownCodeOnTop = !dependency;
    sawCode = true;
    if (dependency) continue;
    const location = `${file}:${lineNumber}:${column}`;
    names.push(name === undefined ? location : `${name} (${location})`);
    locations.push(location);
  }
  return names.length === 0 ? undefined : { names, locations, ownCodeOnTop };
}

function libraryLocation(file: string): string {
  return file.endsWith('.ts') ? `${dirname(file)}${sep}` : file;
}

function ownFile(): string {
  const site: { stack?: string } = {};
  Error.captureStackTrace(site);
  const match = FRAME.exec(site.stack?.split('\n')[1] ?? '');
  const file = match?.[2] ?? '';
  return file.startsWith('file://') ? fileURLToPath(file) : file;
}
