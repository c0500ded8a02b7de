import { currentLockFrame, nowMs, runWithLockContext, sharedStateTracker, type LockFrame } from 'mcp-lock-inspector/locks';
import type { LockOwner } from '../contract/lockEvents';
import type { CallEndedEvent, ToolAnnotationHints } from '../contract/wireFormat';
import { argumentFingerprints } from '../contract/argumentFingerprints';
import { callerIdentity } from './callerIdentity';
import type { InspectorReporter } from './inspectorReporter';
import type { McpHandlerContext, McpRawRequest, McpRawRequestHandler } from './instrumentableMcpServer';
import { taskLockOwners } from './taskLockOwners';

/** Set (through the global symbol registry, so every copy of this package agrees) on a low-level server once instrumented. */
export const INSTRUMENTED = Symbol.for('mcp-lock-inspector.instrumented');

/** Wraps one method's request handler. */
export type HandlerWrapper = (inner: McpRawRequestHandler) => McpRawRequestHandler;

type ToolResult = { [key: string]: unknown };

/** A tool call in flight as a server's own instrumentation follows it. */
export interface TrackedCall {
  /** The lock error that failed the call, if any: the tool error then says its code. */
  readonly failureCode?: string;
  /** The call ended. */
  end(): void;
}

/** What the tool-call instrumentation of one server knows of it, besides its requests. */
export interface ToolCallScope {
  /** Where call starts and ends go; none when no inspector listens. */
  readonly reporter: InspectorReporter | undefined;
  /** Session id for owners of calls over a connection that has none (stdio, memory), e.g. `stdio`. */
  readonly sessionLabel?: string;
  /** Which connection (one per `connect`) the server is on now. */
  readonly connectionId: () => string | undefined;
  /** Follows each call from its start (owner known) to its end; what it returns gives the call's lock error code. */
  readonly track?: (owner: LockOwner, context: McpHandlerContext) => TrackedCall;
}

/** The low-level `Server` of either SDK line, as the tool-call instrumentation uses it. */
interface ProtocolInternals {
  _requestHandlers?: unknown;
  _serverInfo?: { name?: unknown };
  getClientVersion?: () => { name: string; version: string } | undefined;
  [INSTRUMENTED]?: boolean;
}

// Annotations of every tool a server of this process listed, by server name and tool: with a fresh server per request
// (SDK 2.x `createMcpHandler`), `tools/list` and `tools/call` reach different instances of one server.
const listedAnnotations = new Map<string, ToolAnnotationHints>();
// Bounds the map for a process that builds servers with ever new tool names.
const MAX_LISTED_TOOLS = 10_000;
const ANNOTATION_HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

/**
 * Instruments the tool calls of one low-level server (`mcpServer.server`, SDK 1.x or 2.x), for handlers registered
 * now and later: every `tools/call` runs in a lock context owned by `{tool, requestId, sessionId or caller,
 * connectionId, traceId/spanId}` and cancelled with the request, its start (with the tool's annotations as the server
 * lists them) and end go to the reporter, a call that returns a task hands its lock context to the task (owned by
 * `taskId`, ended by `tasks/cancel`). `wrappers` adds the caller's own methods. Nothing else of the server changes.
 * Returns the server's handler map, or undefined (changing nothing) when the server was instrumented already or keeps
 * its handlers in a way this SDK line does not.
 */
export function instrumentToolCalls(
  protocol: object,
  scope: ToolCallScope,
  wrappers: ReadonlyMap<string, HandlerWrapper> = new Map(),
): Map<string, McpRawRequestHandler> | undefined {
  const internals = protocol as ProtocolInternals;
  const current = internals._requestHandlers;
  if (internals[INSTRUMENTED] === true || !(current instanceof Map)) return undefined;
  internals[INSTRUMENTED] = true;
  const serverName = typeof internals._serverInfo?.name === 'string' ? internals._serverInfo.name : '';
  const all = new Map<string, HandlerWrapper>([
    ['tools/call', (inner) => (request, context) => runToolCall(inner, request, context, scope, internals, serverName)],
    [
      'tools/list',
      (inner) => async (request, context) => {
        const result = await inner(request, context);
        rememberAnnotations(serverName, result);
        return result;
      },
    ],
    [
      'tasks/cancel',
      (inner) => async (request, context) => {
        taskLockOwners.cancel(request.params?.taskId);
        return inner(request, context);
      },
    ],
    [
      'tasks/get',
      (inner) => async (request, context) => {
        const result = await inner(request, context);
        taskLockOwners.observe(result);
        return result;
      },
    ],
    ...wrappers,
  ]);
  // The SDK registers its tools/call handler with the first tool, which may come after this: swap its handler map
  // (private to the SDK in both lines) for one that wraps on `set`.
  const replacement = new WrappingHandlerMap(all);
  for (const [method, handler] of current as Map<string, McpRawRequestHandler>) replacement.set(method, handler);
  internals._requestHandlers = replacement;
  return replacement;
}

/** Whether `protocol` is instrumented already, by `instrumentMcpServer` or the preload. */
export function isInstrumented(protocol: object): boolean {
  return (protocol as ProtocolInternals)[INSTRUMENTED] === true;
}

async function runToolCall(
  inner: McpRawRequestHandler,
  request: McpRawRequest,
  context: McpHandlerContext,
  scope: ToolCallScope,
  protocol: ProtocolInternals,
  serverName: string,
): Promise<ToolResult> {
  const { reporter } = scope;
  const signal = context.signal ?? context.mcpReq?.signal;
  // Without a session and without HTTP (stdio, memory), the connection tells one client's calls from another's.
  const overConnection = context.sessionId === undefined && context.http === undefined && context.requestInfo === undefined;
  const sessionId = context.sessionId ?? (overConnection ? scope.sessionLabel : undefined);
  const connectionId = overConnection ? scope.connectionId() : undefined;
  const tool = String(request.params?.name);
  const owner: LockOwner = {
    tool,
    requestId: context.requestId ?? context.mcpReq?.id ?? request.id,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(connectionId === undefined ? {} : { connectionId }),
    ...callerIdentity(request, context, protocol.getClientVersion?.()),
  };
  const startedMs = reporter ? nowMs() : 0;
  if (reporter) {
    const annotations = listedAnnotations.get(`${serverName}\u0000${tool}`);
    reporter.reportCall({
      type: 'callStarted',
      atMs: startedMs,
      owner,
      arguments: argumentFingerprints(request.params?.['arguments']),
      ...(annotations === undefined ? {} : { annotations }),
    });
  }
  const call = scope.track?.(owner, context);
  let outcome: CallEndedEvent['outcome'] = 'error';
  let frame: LockFrame | undefined;
  try {
    const result = await runWithLockContext({ owner, signal }, () => {
      frame = currentLockFrame();
      return inner(request, context);
    });
    // A call that returned a task hands its lock context to the task's work, which goes on running in it.
    taskLockOwners.handOver(frame, owner, result);
    outcome = result.isError === true ? 'error' : 'ok';
    return outcome === 'error' && call?.failureCode !== undefined ? withLockErrorCode(result, call.failureCode) : result;
  } finally {
    call?.end();
    if (signal?.aborted === true) outcome = 'cancelled';
    if (reporter) {
      const endedMs = nowMs();
      const errorCode = outcome === 'ok' ? undefined : call?.failureCode;
      const sharedWrites = frame === undefined ? undefined : sharedStateTracker.writesOf(frame.chain);
      reporter.reportCall({
        type: 'callEnded',
        atMs: endedMs,
        owner,
        durationMs: endedMs - startedMs,
        outcome,
        ...(errorCode === undefined ? {} : { errorCode }),
        ...(sharedWrites === undefined ? {} : { sharedWrites }),
      });
    }
  }
}

/** Adds the lock error's stable code to a tool error, and for contention (timeout, deadlock) that a retry is worth it: clients and models read this text. */
function withLockErrorCode(result: ToolResult, errorCode: string): ToolResult {
  const content: unknown[] = Array.isArray(result.content) ? result.content : [];
  const temporary = errorCode === 'E_LOCK_TIMEOUT' || errorCode === 'E_DEADLOCK';
  const text = temporary ? `${errorCode}: this failure comes from lock contention and is temporary: retry the call.` : `Lock error code: ${errorCode}.`;
  return { ...result, content: [...content, { type: 'text', text }] };
}

/** Keeps the hints of each tool a `tools/list` answer names, as the client saw them. */
function rememberAnnotations(serverName: string, result: ToolResult): void {
  if (!Array.isArray(result.tools)) return;
  for (const listed of result.tools as Array<{ name?: unknown; annotations?: { [hint: string]: unknown } }>) {
    if (typeof listed?.name !== 'string') continue;
    const key = `${serverName}\u0000${listed.name}`;
    const hints: { -readonly [hint in keyof ToolAnnotationHints]: boolean } = {};
    for (const hint of ANNOTATION_HINTS) if (typeof listed.annotations?.[hint] === 'boolean') hints[hint] = listed.annotations[hint] as boolean;
    listedAnnotations.delete(key);
    if (Object.keys(hints).length > 0) listedAnnotations.set(key, hints);
    if (listedAnnotations.size > MAX_LISTED_TOOLS) listedAnnotations.delete(listedAnnotations.keys().next().value as string);
  }
}

class WrappingHandlerMap extends Map<string, McpRawRequestHandler> {
  constructor(private readonly wrappers: ReadonlyMap<string, HandlerWrapper>) {
    super();
  }

  override set(method: string, handler: McpRawRequestHandler): this {
    const wrap = this.wrappers.get(method);
    return super.set(method, wrap ? wrap(handler) : handler);
  }
}
