import type { LockOwner } from '../contract/lockEvents';
import type { McpHandlerContext, McpRawRequest } from './instrumentableMcpServer';

/** The 2026-07-28 envelope key of the client's info, sent on every request. */
const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';

// W3C Trace Context, version 00 and later: version-traceid-parentid-flags, lower-case hex; all-zero ids are invalid.
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(?:-.*)?$/;
const ALL_ZERO = /^0+$/;

/** What identifies a tool call's caller without a session: the client's info and the request's trace context. */
export type CallerIdentity = Pick<LockOwner, 'caller' | 'traceId' | 'spanId'>;

/**
 * Reads who made a request: `caller` from the client info (the request's 2026-07-28 envelope, else what the client
 * sent at `initialize`), and `traceId`/`spanId` from a valid `traceparent` in the request's `_meta`.
 */
export function callerIdentity(request: McpRawRequest, context: McpHandlerContext, clientAtInitialize: { name: string; version: string } | undefined): CallerIdentity {
  const client = asImplementation(context.mcpReq?.envelope?.[CLIENT_INFO_META_KEY]) ?? clientAtInitialize;
  const trace = parseTraceparent(request.params?._meta?.traceparent);
  return {
    ...(client === undefined ? {} : { caller: `${client.name}/${client.version}` }),
    ...(trace === undefined ? {} : trace),
  };
}

/** The trace and parent span ids of a W3C `traceparent` header value; undefined when it is not a valid one. */
export function parseTraceparent(value: unknown): { traceId: string; spanId: string } | undefined {
  const match = typeof value === 'string' ? TRACEPARENT.exec(value) : null;
  // Version ff is forbidden by the specification.
  if (match === null || (value as string).startsWith('ff') || ALL_ZERO.test(match[1]!) || ALL_ZERO.test(match[2]!)) return undefined;
  return { traceId: match[1]!, spanId: match[2]! };
}

function asImplementation(value: unknown): { name: string; version: string } | undefined {
  const candidate = value as { name?: unknown; version?: unknown } | undefined;
  return typeof candidate?.name === 'string' && typeof candidate.version === 'string' ? { name: candidate.name, version: candidate.version } : undefined;
}
