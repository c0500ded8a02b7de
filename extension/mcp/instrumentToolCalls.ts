import { runWithLockContext } from 'mcp-lock-inspector/locks';
import type { LockOwner } from '../contract/lockEvents';
import type { CallEndedEvent } from '../contract/wireFormat';
import { argumentFingerprints } from '../contract/argumentFingerprints';
import type { InspectorReporter } from './inspectorReporter';
import type { McpHandlerContext, McpRawRequest, McpRawRequestHandler } from './instrumentableMcpServer';

/** Set (through the global symbol registry, so every copy of this package agrees) on a low-level server once instrumented. */
export const INSTRUMENTED = Symbol.for('mcp-lock-inspector.instrumented');

/** A low-level `Server` of the SDK as the preload finds it: its request-handler map is the one part used. */
interface ProtocolInternals {
  _requestHandlers?: unknown;
  [INSTRUMENTED]?: boolean;
}

/**
 * What the preload does to a server it did not write: every `tools/call` (registered now or later) runs in a lock
 * context owned by `{tool, requestId, sessionId}` and cancelled with the request, and its start and end go to the
 * reporter. Nothing else of the server changes: no capability, resource or handler is added. Returns false (and
 * changes nothing) when the server was instrumented already, by `instrumentMcpServer` or by an earlier call.
 */
export function instrumentToolCalls(protocol: object, reporter: InspectorReporter | undefined, sessionLabel = 'stdio'): boolean {
  const internals = protocol as ProtocolInternals;
  if (internals[INSTRUMENTED] === true) return false;
  const handlers = internals._requestHandlers;
  if (!(handlers instanceof Map)) return false;
  internals[INSTRUMENTED] = true;
  const wrap = (inner: McpRawRequestHandler): McpRawRequestHandler => (request, context) => runToolCall(inner, request, context, reporter, sessionLabel);
  const current = handlers.get('tools/call') as McpRawRequestHandler | undefined;
  if (current !== undefined) handlers.set('tools/call', wrap(current));
  // Servers register their tools/call handler with their first tool, which may come after connect.
  const set = handlers.set.bind(handlers);
  handlers.set = (method: string, handler: McpRawRequestHandler) => set(method, method === 'tools/call' ? wrap(handler) : handler);
  return true;
}

async function runToolCall(
  inner: McpRawRequestHandler,
  request: McpRawRequest,
  context: McpHandlerContext,
  reporter: InspectorReporter | undefined,
  sessionLabel: string,
): Promise<{ [key: string]: unknown }> {
  const signal = context.signal ?? context.mcpReq?.signal;
  const owner: LockOwner = {
    tool: String(request.params?.['name']),
    requestId: context.requestId ?? context.mcpReq?.id ?? request.id,
    sessionId: context.sessionId ?? sessionLabel,
  };
  const startedMs = performance.timeOrigin + performance.now();
  reporter?.reportCall({ type: 'callStarted', atMs: startedMs, owner, arguments: argumentFingerprints(request.params?.['arguments']) });
  let outcome: CallEndedEvent['outcome'] = 'error';
  try {
    const result = await runWithLockContext({ owner, signal }, () => inner(request, context));
    outcome = result['isError'] === true ? 'error' : 'ok';
    return result;
  } finally {
    if (signal?.aborted === true) outcome = 'cancelled';
    const endedMs = performance.timeOrigin + performance.now();
    reporter?.reportCall({ type: 'callEnded', atMs: endedMs, owner, durationMs: endedMs - startedMs, outcome });
  }
}
