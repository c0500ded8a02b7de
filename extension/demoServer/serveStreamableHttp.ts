import { randomUUID } from 'node:crypto';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { httpGuards, rpcError } from './httpGuards';
import { DEFAULT_MAX_SESSIONS } from './serverArgs';

/** One MCP session's server and how to release what it holds. */
export interface HttpSession {
  readonly server: McpServer;
  dispose(): void;
}

/** How to serve Streamable HTTP. */
export interface ServeStreamableHttpOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Builds the server of a new session; every session may share one state. */
  readonly createSession: () => HttpSession;
  /** Sessions with nothing in flight and no request for this long are closed (clients rarely DELETE theirs). */
  readonly sessionIdleMs: number;
  /** Most sessions open at once: a new one closes the idlest without a call in flight, or is refused. Default DEFAULT_MAX_SESSIONS. */
  readonly maxSessions?: number;
  /** Origins besides its own whose web pages may call it. */
  readonly allowedOrigins?: readonly string[];
  /** Where refused requests are told, one rate-limited line each (default: nowhere). */
  readonly log?: (line: string) => void;
}

/** A running HTTP entry. */
export interface StreamableHttpHost {
  readonly url: string;
  close(): Promise<void>;
}

interface OpenSession {
  readonly transport: StreamableHTTPServerTransport;
  readonly session: HttpSession;
  /** Requests (and SSE streams) not yet answered or closed; a session with any is not idle. */
  inFlight: number;
  /** Of those, the POSTs (calls and other messages); a session listening only on its GET stream may be evicted. */
  postsInFlight: number;
  lastActiveMs: number;
}

/**
 * Serves MCP over Streamable HTTP at `http://127.0.0.1:PORT/mcp`: loopback only, Host and Origin headers checked,
 * one server per session, at most `maxSessions` of them.
 */
export async function serveStreamableHttp(options: ServeStreamableHttpOptions): Promise<StreamableHttpHost> {
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  /** Insertion order is recency order: each request moves its session to the end. */
  const sessions = new Map<string, OpenSession>();
  const app = createMcpExpressApp({ host: '127.0.0.1' });
  const guards = httpGuards({ allowedOrigins: options.allowedOrigins ?? [], log: options.log ?? (() => undefined) });
  app.use(guards.origin);

  const trackActivity = (id: string, open: OpenSession, request: IncomingMessage, response: ServerResponse): void => {
    const isPost = request.method !== 'GET';
    open.inFlight++;
    if (isPost) open.postsInFlight++;
    open.lastActiveMs = Date.now();
    if (sessions.delete(id)) sessions.set(id, open);
    response.once('close', () => {
      open.inFlight--;
      if (isPost) open.postsInFlight--;
      open.lastActiveMs = Date.now();
    });
  };

  /** Closes the least recently active session with no call in flight; false when every session is busy. */
  const evictIdlest = (): boolean => {
    for (const [id, open] of sessions) {
      if (open.postsInFlight > 0) continue;
      sessions.delete(id);
      void open.transport.close();
      return true;
    }
    return false;
  };
  /** Evicts until at most `limit` sessions are open; false when the busy ones alone are more. */
  const shrinkTo = (limit: number): boolean => {
    while (sessions.size > limit) if (!evictIdlest()) return false;
    return true;
  };

  // express ships no types here; these are the node objects it extends, plus the parsed JSON body.
  app.all('/mcp', async (request: IncomingMessage & { body?: unknown }, response: ServerResponse) => {
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const open = sessions.get(sessionId);
      if (!open) {
        rpcError(
          response,
          404,
          -32001,
          'Session not found: it expired, was closed to make room for newer sessions (--max-sessions), or the server restarted. Send a new initialize request without mcp-session-id.',
        );
        return;
      }
      trackActivity(sessionId, open, request, response);
      await open.transport.handleRequest(request, response, request.body);
      return;
    }
    if (request.method !== 'POST' || !isInitializeRequest(request.body)) {
      rpcError(response, 400, -32000, 'No session: send an initialize request first, then pass the mcp-session-id header it returns.');
      return;
    }
    if (!shrinkTo(maxSessions - 1)) {
      rpcError(
        response,
        503,
        -32000,
        `Too many open sessions: all ${maxSessions} (--max-sessions) are busy with calls. Close sessions you no longer use (HTTP DELETE with their mcp-session-id), retry in a moment, or start the server with a higher --max-sessions.`,
      );
      return;
    }
    const session = options.createSession();
    let initialized = false;
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        initialized = true;
        const open: OpenSession = { transport, session, inFlight: 0, postsInFlight: 0, lastActiveMs: Date.now() };
        sessions.set(id, open);
        trackActivity(id, open, request, response);
        // Initializes answered side by side may each have found room.
        shrinkTo(maxSessions);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined && sessions.get(transport.sessionId)?.transport === transport) sessions.delete(transport.sessionId);
      session.dispose();
    };
    await session.server.connect(transport);
    await transport.handleRequest(request, response, request.body);
    // An initialize that failed opened no session, and one evicted at once is closed already; nothing else would close them.
    if (!initialized || transport.sessionId === undefined || !sessions.has(transport.sessionId)) await transport.close();
  });
  app.use(guards.errors);

  const httpServer = await new Promise<HttpServer>((resolve, reject) => {
    const listening = app.listen(options.port, '127.0.0.1', (error?: Error) =>
      error ? reject(new Error(`Could not listen on 127.0.0.1:${options.port} (${error.message}); choose another --port, or --port 0 for a free one.`)) : resolve(listening),
    );
  });
  const sweepTimer = setInterval(
    () => {
      const idleSince = Date.now() - options.sessionIdleMs;
      for (const open of sessions.values()) if (open.inFlight === 0 && open.lastActiveMs < idleSince) void open.transport.close();
    },
    Math.min(60_000, options.sessionIdleMs),
  ).unref();

  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async close() {
      clearInterval(sweepTimer);
      await Promise.all([...sessions.values()].map((open) => open.transport.close()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

