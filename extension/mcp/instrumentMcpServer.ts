import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  LoggingLevelSchema,
  SetLevelRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  type JSONRPCRequest,
  type LoggingLevel,
  type Result,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { describeLockWarning, runWithLockContext, type ResourceLockMap } from 'mcp-lock-inspector/locks';
import type { LockEvent, LockOwner } from '../contract/lockEvents';
import type { CallEndedEvent } from '../contract/wireFormat';
import { InspectorReporter } from './inspectorReporter';


/** URI of the MCP resource that holds the lock snapshot. */
export const LOCK_SNAPSHOT_URI = 'locks://snapshot';

/** Name of the logger on the lock warnings sent as MCP logging messages. */
export const LOCK_LOGGER = 'lock-inspector';

/** How `instrumentMcpServer` reports. */
export interface InstrumentOptions {
  /**
   * Where call and lock events go. Default: one reporter per lock map, created from the environment
   * (`MCP_LOCK_INSPECTOR_ADDRESS` ...) and shared by every server instrumented with that map; none when the
   * environment names no inspector. `null` turns reporting off.
   */
  readonly reporter?: InspectorReporter | null;
  /** Session id for owners when the transport has none (stdio), e.g. `stdio`. */
  readonly sessionLabel?: string;
  /** Shortest gap between two `notifications/resources/updated` for the lock snapshot. Default 100 ms. */
  readonly snapshotNotifyIntervalMs?: number;
}

/** What instrumenting returns: the reporter in use and a way to stop listening. */
export interface LockInstrumentation {
  readonly reporter: InspectorReporter | undefined;
  /** Stops this server's lock listener and timers; the shared reporter stays for other servers. */
  dispose(): void;
}

type RawRequestHandler = (request: JSONRPCRequest, extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => Promise<Result>;
type HandlerWrapper = (inner: RawRequestHandler) => RawRequestHandler;

const FAILURE_CODES: Partial<Record<LockEvent['type'], string>> = {
  timeout: 'E_LOCK_TIMEOUT',
  aborted: 'E_LOCK_ABORTED',
  deadlock: 'E_DEADLOCK',
  reentrant: 'E_LOCK_REENTRANT',
};

const WARNING_LEVELS: Partial<Record<LockEvent['type'], LoggingLevel>> = {
  deadlock: 'error',
  timeout: 'warning',
  inversion: 'warning',
  longHold: 'warning',
};

const LEVEL_SEVERITY = new Map(LoggingLevelSchema.options.map((level, index) => [level, index]));

const sharedReporters = new WeakMap<ResourceLockMap, InspectorReporter | undefined>();

/**
 * Wires an McpServer to a ResourceLockMap in one call, before `server.connect()`:
 * - every tool call runs in a lock context whose owner is `{tool, requestId, sessionId}` and whose
 *   signal is the call's cancellation, so its queued lock waits end when the client cancels;
 * - tool-call start and end go to the inspector with the lock events, when an inspector is configured;
 * - the lock snapshot is the resource `locks://snapshot`, with subscribe and update notifications;
 * - deadlocks, inversions, long holds and timeouts are MCP logging messages, honouring `logging/setLevel`.
 */
export function instrumentMcpServer(server: McpServer, locks: ResourceLockMap, options: InstrumentOptions = {}): LockInstrumentation {
  if (server.isConnected()) {
    throw new Error('instrumentMcpServer must run before server.connect(): it declares capabilities, which MCP fixes at connection.');
  }
  const protocol = server.server;
  const reporter = options.reporter === undefined ? sharedReporter(locks) : (options.reporter ?? undefined);
  const notifyIntervalMs = options.snapshotNotifyIntervalMs ?? 100;
  const failedCalls = new Map<LockOwner, string | undefined>();
  let snapshotSubscribed = false;
  let snapshotNotifyTimer: NodeJS.Timeout | undefined;
  let minimumLevel: LoggingLevel | undefined;

  const wrappers = new Map<string, HandlerWrapper>([
    ['tools/call', (inner) => (request, extra) => runToolCall(inner, request, extra)],
    [
      'resources/subscribe',
      (inner) => async (request, extra) => {
        if (uriOf(request) === LOCK_SNAPSHOT_URI) snapshotSubscribed = true;
        return inner(request, extra);
      },
    ],
    [
      'resources/unsubscribe',
      (inner) => async (request, extra) => {
        if (uriOf(request) === LOCK_SNAPSHOT_URI) snapshotSubscribed = false;
        return inner(request, extra);
      },
    ],
    [
      'logging/setLevel',
      (inner) => async (request, extra) => {
        const level = LoggingLevelSchema.safeParse(request.params?.level);
        if (level.success) minimumLevel = level.data;
        return inner(request, extra);
      },
    ],
  ]);
  const handlers = interceptRequestHandlers(server, wrappers);

  server.registerResource(
    'lock-snapshot',
    LOCK_SNAPSHOT_URI,
    {
      title: 'Lock snapshot',
      description: 'Busy resources of the lock map: holders and waiters, each with its tool call. Subscribe for updates.',
      mimeType: 'application/json',
    },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(locks.snapshot()) }] }),
  );
  protocol.registerCapabilities({ resources: { subscribe: true } });
  // A server built without these capabilities has no handler to wrap; give it a plain one (the wrapper does the work).
  if (!handlers.has('resources/subscribe')) protocol.setRequestHandler(SubscribeRequestSchema, () => ({}));
  if (!handlers.has('resources/unsubscribe')) protocol.setRequestHandler(UnsubscribeRequestSchema, () => ({}));
  if (!handlers.has('logging/setLevel')) {
    protocol.registerCapabilities({ logging: {} });
    protocol.setRequestHandler(SetLevelRequestSchema, () => ({}));
  }

  const unsubscribe = locks.subscribe((event) => {
    const failureCode = FAILURE_CODES[event.type];
    if (failureCode !== undefined && event.owner !== undefined && failedCalls.has(event.owner)) failedCalls.set(event.owner, failureCode);
    const level = WARNING_LEVELS[event.type];
    // Before initialize completes the client may not expect notifications yet.
    if (level !== undefined && protocol.getClientVersion() !== undefined && (minimumLevel === undefined || LEVEL_SEVERITY.get(level)! >= LEVEL_SEVERITY.get(minimumLevel)!)) {
      sendQuietly(() => protocol.notification({ method: 'notifications/message', params: { level, logger: LOCK_LOGGER, data: { message: describeLockWarning(event), event } } }));
    }
    if (snapshotSubscribed && snapshotNotifyTimer === undefined) {
      snapshotNotifyTimer = setTimeout(() => {
        snapshotNotifyTimer = undefined;
        if (snapshotSubscribed) sendQuietly(() => protocol.sendResourceUpdated({ uri: LOCK_SNAPSHOT_URI }));
      }, notifyIntervalMs).unref();
    }
  });

  async function runToolCall(inner: RawRequestHandler, request: JSONRPCRequest, extra: RequestHandlerExtra<ServerRequest, ServerNotification>): Promise<Result> {
    const sessionId = extra.sessionId ?? options.sessionLabel;
    const owner: LockOwner = {
      tool: String(request.params?.name),
      requestId: extra.requestId,
      ...(sessionId === undefined ? {} : { sessionId }),
    };
    const startedMs = reporter ? nowMs() : 0;
    reporter?.reportCall({ type: 'callStarted', atMs: startedMs, owner });
    failedCalls.set(owner, undefined);
    let outcome: CallEndedEvent['outcome'] = 'error';
    let errorCode: string | undefined;
    try {
      const result = await runWithLockContext({ owner, signal: extra.signal }, () => inner(request, extra));
      outcome = result.isError === true ? 'error' : 'ok';
      errorCode = failedCalls.get(owner);
      return outcome === 'error' && errorCode !== undefined ? withLockErrorCode(result, errorCode) : result;
    } finally {
      failedCalls.delete(owner);
      if (extra.signal.aborted) outcome = 'cancelled';
      if (reporter) {
        const endedMs = nowMs();
        reporter.reportCall({
          type: 'callEnded',
          atMs: endedMs,
          owner,
          durationMs: endedMs - startedMs,
          outcome,
          ...(outcome !== 'ok' && errorCode !== undefined ? { errorCode } : {}),
        });
      }
    }
  }

  return {
    reporter,
    dispose() {
      unsubscribe();
      clearTimeout(snapshotNotifyTimer);
      snapshotSubscribed = false;
    },
  };
}

function sharedReporter(locks: ResourceLockMap): InspectorReporter | undefined {
  if (!sharedReporters.has(locks)) sharedReporters.set(locks, InspectorReporter.fromEnvironment(locks));
  return sharedReporters.get(locks);
}

/** Adds the lock error's stable code to a tool error, and for contention (timeout, deadlock) that a retry is worth it: clients and models read this text. */
function withLockErrorCode(result: Result, errorCode: string): Result {
  const content = Array.isArray(result.content) ? result.content : [];
  const temporary = errorCode === 'E_LOCK_TIMEOUT' || errorCode === 'E_DEADLOCK';
  const text = temporary ? `${errorCode}: this failure comes from lock contention and is temporary: retry the call.` : `Lock error code: ${errorCode}.`;
  return { ...result, content: [...content, { type: 'text', text }] };
}

function uriOf(request: JSONRPCRequest): unknown {
  return request.params?.uri;
}

function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function sendQuietly(send: () => Promise<void>): void {
  // A client that left, or a transport between sessions, must never turn a lock event into a crash.
  send().catch(() => undefined);
}

/**
 * Makes the SDK wrap the handlers of `wrappers`' methods, those registered already and those registered later,
 * by swapping its request-handler map for one that wraps on `set`. The map is private to the SDK, so this is the
 * one place that depends on its shape; it fails loudly if a future SDK changes it.
 */
function interceptRequestHandlers(server: McpServer, wrappers: ReadonlyMap<string, HandlerWrapper>): Map<string, RawRequestHandler> {
  const internals = server.server as unknown as { _requestHandlers?: unknown };
  const current = internals._requestHandlers;
  if (!(current instanceof Map)) {
    throw new Error('instrumentMcpServer needs @modelcontextprotocol/sdk 1.x: this SDK version keeps its request handlers differently.');
  }
  if (current instanceof WrappingHandlerMap) throw new Error('This McpServer is already instrumented; call instrumentMcpServer once per server.');
  const replacement = new WrappingHandlerMap(wrappers);
  for (const [method, handler] of current as Map<string, RawRequestHandler>) replacement.set(method, handler);
  internals._requestHandlers = replacement;
  return replacement;
}

class WrappingHandlerMap extends Map<string, RawRequestHandler> {
  constructor(private readonly wrappers: ReadonlyMap<string, HandlerWrapper>) {
    super();
  }

  override set(method: string, handler: RawRequestHandler): this {
    const wrap = this.wrappers.get(method);
    return super.set(method, wrap ? wrap(handler) : handler);
  }
}
