import { randomUUID } from 'node:crypto';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

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
  lastActiveMs: number;
}

/** Serves MCP over Streamable HTTP at `http://127.0.0.1:PORT/mcp`: loopback only, Host header checked, one server per session. */
export async function serveStreamableHttp(options: ServeStreamableHttpOptions): Promise<StreamableHttpHost> {
  const sessions = new Map<string, OpenSession>();
  const app = createMcpExpressApp({ host: '127.0.0.1' });

  // express ships no types here; these are the node objects it extends, plus the parsed JSON body.
  app.all('/mcp', async (request: IncomingMessage & { body?: unknown }, response: ServerResponse) => {
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const open = sessions.get(sessionId);
      if (!open) {
        rpcError(response, 404, -32001, 'Session not found: it expired or the server restarted. Send a new initialize request without mcp-session-id.');
        return;
      }
      trackActivity(open, response);
      await open.transport.handleRequest(request, response, request.body);
      return;
    }
    if (request.method !== 'POST' || !isInitializeRequest(request.body)) {
      rpcError(response, 400, -32000, 'No session: send an initialize request first, then pass the mcp-session-id header it returns.');
      return;
    }
    const session = options.createSession();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        const open: OpenSession = { transport, session, inFlight: 0, lastActiveMs: Date.now() };
        sessions.set(id, open);
        trackActivity(open, response);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
      session.dispose();
    };
    await session.server.connect(transport);
    await transport.handleRequest(request, response, request.body);
    // An initialize that failed opened no session; nothing else would ever close its server.
    if (transport.sessionId === undefined || !sessions.has(transport.sessionId)) await transport.close();
  });

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

function trackActivity(open: OpenSession, response: ServerResponse): void {
  open.inFlight++;
  open.lastActiveMs = Date.now();
  response.once('close', () => {
    open.inFlight--;
    open.lastActiveMs = Date.now();
  });
}

function rpcError(response: ServerResponse, status: number, code: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
