import { describeLockWarning, sharedStateTracker, type ResourceLockMap } from 'mcp-lock-inspector/locks';
import type { LockEvent, LockOwner, LostUpdateEvent } from '../contract/lockEvents';
import { breakOnContention } from './breakOnContention';
import { InspectorReporter } from './inspectorReporter';
import { instrumentToolCalls, isInstrumented, type HandlerWrapper } from './instrumentToolCalls';
import {
  MCP_LOGGING_LEVELS,
  type InstrumentableMcpServer,
  type McpLoggingLevel,
  type McpRawRequest,
  type McpRawRequestHandler,
} from './instrumentableMcpServer';

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


const FAILURE_CODES: Partial<Record<LockEvent['type'], string>> = {
  timeout: 'E_LOCK_TIMEOUT',
  aborted: 'E_LOCK_ABORTED',
  deadlock: 'E_DEADLOCK',
  reentrant: 'E_LOCK_REENTRANT',
};

const WARNING_LEVELS: Partial<Record<LockEvent['type'], McpLoggingLevel>> = {
  deadlock: 'error',
  timeout: 'warning',
  inversion: 'warning',
  longHold: 'warning',
};

const LEVEL_SEVERITY = new Map(MCP_LOGGING_LEVELS.map((level, index) => [level, index]));

/** What the instrumentation uses of a lock map: the in-process one, or the Redis one of `mcp-lock-inspector/redis`. */
export type InstrumentedLockMap = Pick<ResourceLockMap, 'subscribe' | 'snapshot'>;

const sharedReporters = new WeakMap<InstrumentedLockMap, InspectorReporter | undefined>();
const breakOnInstalled = new WeakSet<InstrumentedLockMap>();

let connectionsOpened = 0;

/** A tool call in flight on one server, in its server's calls by owner: the lock error that failed it, and (SDK 2.x) how to log to its client. */
class ActiveCall {
  failureCode?: string;

  constructor(
    private readonly calls: Map<LockOwner, ActiveCall>,
    private readonly owner: LockOwner,
    readonly log: ((level: McpLoggingLevel, data: unknown, logger?: string) => Promise<void>) | undefined,
  ) {
    calls.set(owner, this);
  }

  end(): void {
    this.calls.delete(this.owner);
  }
}

/**
 * Wires an McpServer (`@modelcontextprotocol/sdk` 1.x or `@modelcontextprotocol/server` 2.x) to a ResourceLockMap
 * in one call, before `server.connect()` (with `createMcpHandler`, inside the factory):
 * - every tool call runs in a lock context whose owner is `{tool, requestId, sessionId}` and whose
 *   signal is the call's cancellation, so its queued lock waits end when the client cancels;
 * - tool-call start and end go to the inspector with the lock events, when an inspector is configured;
 * - the lock snapshot is the resource `locks://snapshot`, with subscribe and update notifications;
 * - deadlocks, inversions, long holds and timeouts are MCP logging messages, honouring the client's level.
 * The server listens to the lock map only while connected, so a fresh server per request leaves nothing behind.
 */
export function instrumentMcpServer(server: InstrumentableMcpServer, locks: InstrumentedLockMap, options: InstrumentOptions = {}): LockInstrumentation {
  if (server.isConnected()) {
    throw new Error('instrumentMcpServer must run before server.connect(): it declares capabilities, which MCP fixes at connection.');
  }
  const protocol = server.server;
  if (isInstrumented(protocol)) throw new Error('This McpServer is already instrumented; call instrumentMcpServer once per server.');
  const reporter = options.reporter === undefined ? sharedReporter(locks) : (options.reporter ?? undefined);
  // Under Debug Server, lockInspector.breakOn pauses where contention happens: once per lock map, whoever reports.
  if (!breakOnInstalled.has(locks)) {
    breakOnInstalled.add(locks);
    breakOnContention(locks);
  }
  const notifyIntervalMs = options.snapshotNotifyIntervalMs ?? 100;
  const activeCalls = new Map<LockOwner, ActiveCall>();
  let snapshotSubscribed = false;
  let snapshotNotifyTimer: NodeJS.Timeout | undefined;
  let minimumLevel: McpLoggingLevel | undefined;
  let unsubscribe: (() => void) | undefined;
  let unsubscribeLostUpdates: (() => void) | undefined;
  let disposed = false;
  let connectionId: string | undefined;

  const wrappers = new Map<string, HandlerWrapper>([
    [
      'resources/subscribe',
      (inner) => async (request, context) => {
        if (uriOf(request) === LOCK_SNAPSHOT_URI) snapshotSubscribed = true;
        return inner(request, context);
      },
    ],
    [
      'resources/unsubscribe',
      (inner) => async (request, context) => {
        if (uriOf(request) === LOCK_SNAPSHOT_URI) snapshotSubscribed = false;
        return inner(request, context);
      },
    ],
    [
      'logging/setLevel',
      (inner) => async (request, context) => {
        const level = request.params?.level;
        if (isLoggingLevel(level)) minimumLevel = level;
        return inner(request, context);
      },
    ],
  ]);
  const handlers = instrumentToolCalls(
    protocol,
    {
      reporter,
      sessionLabel: options.sessionLabel,
      connectionId: () => connectionId,
      track: (owner, context) => new ActiveCall(activeCalls, owner, context.mcpReq?.log),
    },
    wrappers,
  );
  if (handlers === undefined) {
    throw new Error(
      'instrumentMcpServer needs @modelcontextprotocol/sdk 1.x or @modelcontextprotocol/server 2.x: this SDK version keeps its request handlers differently.',
    );
  }
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
  protocol.registerCapabilities({ resources: { subscribe: true }, logging: {} });
  // A server built without these has no handler to wrap; give it a plain one (the wrapper does the work). Set in the
  // map directly, as both SDK lines store handlers there, so no SDK schema is needed.
  const acknowledge: McpRawRequestHandler = async () => ({});
  for (const method of ['resources/subscribe', 'resources/unsubscribe', 'logging/setLevel']) {
    if (!handlers.has(method)) handlers.set(method, acknowledge);
  }

  const onLockEvent = (event: LockEvent): void => {
    const call = event.owner === undefined ? undefined : activeCalls.get(event.owner);
    const failureCode = FAILURE_CODES[event.type];
    if (failureCode !== undefined && call !== undefined) call.failureCode = failureCode;
    const level = WARNING_LEVELS[event.type];
    if (level !== undefined) sendWarning(level, event, call);
    if (snapshotSubscribed && snapshotNotifyTimer === undefined) {
      snapshotNotifyTimer = setTimeout(() => {
        snapshotNotifyTimer = undefined;
        if (snapshotSubscribed) sendQuietly(() => protocol.sendResourceUpdated({ uri: LOCK_SNAPSHOT_URI }));
      }, notifyIntervalMs).unref();
    }
  };

  function sendWarning(level: McpLoggingLevel, event: LockEvent | LostUpdateEvent, call: ActiveCall | undefined): void {
    const data = { message: describeLockWarning(event), event };
    // SDK 2.x: to the client of the call concerned, related to its request (the 2026-07-28 spec has no other
    // channel), at that client's level. SDK 1.x: to every client of this server, at the level it set.
    if (call?.log !== undefined) {
      sendQuietly(() => call.log!(level, data, LOCK_LOGGER));
      return;
    }
    // Before initialize completes the client may not expect notifications yet.
    if (protocol.getClientVersion() === undefined || (minimumLevel !== undefined && LEVEL_SEVERITY.get(level)! < LEVEL_SEVERITY.get(minimumLevel)!)) return;
    sendQuietly(() => protocol.notification({ method: 'notifications/message', params: { level, logger: LOCK_LOGGER, data } }));
  }

  // A lost update is worth a warning to the client whose call wrote from a stale read.
  const onLostUpdate = (event: LostUpdateEvent): void => sendWarning('warning', event, event.owner === undefined ? undefined : activeCalls.get(event.owner));
  const stopListening = (): void => {
    unsubscribe?.();
    unsubscribe = undefined;
    unsubscribeLostUpdates?.();
    unsubscribeLostUpdates = undefined;
    clearTimeout(snapshotNotifyTimer);
    snapshotNotifyTimer = undefined;
    snapshotSubscribed = false;
  };
  const connect = protocol.connect.bind(protocol);
  protocol.connect = async (transport) => {
    if (!disposed) {
      unsubscribe ??= locks.subscribe(onLockEvent);
      unsubscribeLostUpdates ??= sharedStateTracker.subscribe(onLostUpdate);
    }
    connectionId = String(++connectionsOpened);
    try {
      await connect(transport);
    } catch (error) {
      stopListening();
      throw error;
    }
    // The SDK has just set the transport's close callback; chain onto it so a closed server stops listening, and
    // its session's last events go out now rather than with a batch timer a process about to exit never runs.
    const onTransportClose = transport.onclose;
    transport.onclose = () => {
      stopListening();
      reporter?.flush();
      onTransportClose?.();
    };
  };

  return {
    reporter,
    dispose() {
      disposed = true;
      stopListening();
    },
  };
}

function sharedReporter(locks: InstrumentedLockMap): InspectorReporter | undefined {
  if (!sharedReporters.has(locks)) sharedReporters.set(locks, InspectorReporter.fromEnvironment(locks));
  return sharedReporters.get(locks);
}

function uriOf(request: McpRawRequest): unknown {
  return request.params?.uri;
}

function isLoggingLevel(value: unknown): value is McpLoggingLevel {
  return LEVEL_SEVERITY.has(value as McpLoggingLevel);
}

function sendQuietly(send: () => Promise<void>): void {
  // A client that left, or a transport between sessions, must never turn a lock event into a crash.
  send().catch(() => undefined);
}
