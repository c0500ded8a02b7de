import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { httpGuards, rpcError } from './httpGuards';
import type { HttpSession, StreamableHttpHost } from './serveStreamableHttp';

/** How to serve stateless Streamable HTTP. */
export interface ServeStatelessHttpOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Builds the server that answers one request. */
  readonly createSession: () => HttpSession;
  /** Origins besides its own whose web pages may call it. */
  readonly allowedOrigins?: readonly string[];
  /** Where refused requests are told, one rate-limited line each (default: nowhere). */
  readonly log?: (line: string) => void;
}

/**
 * Serves MCP over Streamable HTTP without sessions at `http://127.0.0.1:PORT/mcp`: every POST gets a fresh server
 * and transport, so replicas behind a load balancer need no affinity (the state they share lives in Redis).
 */
export async function serveStatelessHttp(options: ServeStatelessHttpOptions): Promise<StreamableHttpHost> {
  const app = createMcpExpressApp({ host: '127.0.0.1' });
  const guards = httpGuards({ allowedOrigins: options.allowedOrigins ?? [], log: options.log ?? (() => undefined) });
  app.use(guards.origin);
  const open = new Set<StreamableHTTPServerTransport>();
  app.post('/mcp', async (request: IncomingMessage & { body?: unknown }, response: ServerResponse) => {
    const session = options.createSession();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    open.add(transport);
    response.once('close', () => {
      open.delete(transport);
      void transport.close();
      void session.server.close();
      session.dispose();
    });
    await session.server.connect(transport);
    await transport.handleRequest(request, response, request.body);
  });
  app.all('/mcp', (_request: IncomingMessage, response: ServerResponse) => {
    response.setHeader('allow', 'POST');
    rpcError(response, 405, -32000, 'This server is stateless (--stateless): send every request as a POST; there is no session to GET or DELETE.');
  });
  app.use(guards.errors);
  const httpServer = await new Promise<HttpServer>((resolve, reject) => {
    const listening = app.listen(options.port, '127.0.0.1', (error?: Error) =>
      error ? reject(new Error(`Could not listen on 127.0.0.1:${options.port} (${error.message}); choose another --port, or --port 0 for a free one.`)) : resolve(listening),
    );
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async close() {
      await Promise.all([...open].map((transport) => transport.close()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
