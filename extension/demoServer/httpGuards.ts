import type { IncomingMessage, ServerResponse } from 'node:http';

type Next = (error?: unknown) => void;

/** What the HTTP entry checks before a request reaches MCP, and where it says what it refused. */
export interface HttpGuardOptions {
  /** Origins besides the server's own (`http://127.0.0.1:PORT`, `http://localhost:PORT`) that browser pages may call from. */
  readonly allowedOrigins: readonly string[];
  /** One line for people (stderr); called at most once per LOG_INTERVAL_MS for each kind of refusal. */
  readonly log: (line: string) => void;
}

/** The two Express handlers of HttpGuards: `origin` before the routes, `errors` after them. */
export interface HttpGuards {
  readonly origin: (request: IncomingMessage, response: ServerResponse, next: Next) => void;
  readonly errors: (error: { type?: string; status?: number; message?: string }, request: IncomingMessage, response: ServerResponse, next: Next) => void;
}

/** Shortest time between two log lines about the same kind of refused request. */
const LOG_INTERVAL_MS = 10_000;

/**
 * Guards of the MCP endpoint. `origin` answers 403 to a request whose `Origin` is neither the server's own nor
 * configured (the MCP transport spec's rule against DNS rebinding: servers MUST validate Origin). `errors` answers
 * what the JSON body parser refused (and anything a route threw) with a JSON-RPC error, -32700 for malformed JSON,
 * instead of Express's HTML page with its stack trace, and logs one line per kind and 10 s.
 */
export function httpGuards(options: HttpGuardOptions): HttpGuards {
  const allowed = new Set(options.allowedOrigins.map(normalizeOrigin));
  const logs = new RateLimitedLog(options.log, LOG_INTERVAL_MS);
  const refusedOrigin = (request: IncomingMessage): string | undefined => {
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    const port = request.socket.localPort;
    const normalized = normalizeOrigin(origin);
    const own = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
    return own.includes(normalized) || allowed.has(normalized) ? undefined : origin;
  };
  const refuseOrigin = (origin: string, response: ServerResponse): void => {
    logs.note('origin', (count) => (count === 1 ? `refused a request from Origin ${origin.slice(0, 100)} (see --allow-origin)` : `refused ${count} more requests from origins not allowed`));
    rpcError(
      response,
      403,
      -32000,
      `Forbidden: Origin ${origin.slice(0, 200)} is not allowed. A web page may call this server only from an origin given with --allow-origin (clients outside a browser send no Origin).`,
    );
  };
  return {
    origin(request, response, next) {
      const origin = refusedOrigin(request);
      if (origin === undefined) next();
      else refuseOrigin(origin, response);
    },
    // Express knows an error handler by its four parameters.
    errors(error, request, response, next) {
      if (response.headersSent) return next(error);
      const origin = refusedOrigin(request);
      if (origin !== undefined) return refuseOrigin(origin, response);
      const detail = String(error?.message).slice(0, 120);
      if (error?.type === 'entity.parse.failed') {
        logs.note('parse', (count) => (count === 1 ? `refused a request body that is not valid JSON (${detail})` : `refused ${count} more request bodies that were not valid JSON`));
        return rpcError(response, 400, -32700, 'Parse error: the request body is not valid JSON. Send one JSON-RPC message (or a batch) as application/json.');
      }
      if (error?.type === 'entity.too.large') {
        logs.note('size', (count) => (count === 1 ? 'refused a request body over the size limit' : `refused ${count} more request bodies over the size limit`));
        return rpcError(response, 413, -32600, 'Invalid request: the body is larger than this server accepts (100 KB).');
      }
      const status = error?.status;
      if (status !== undefined && status >= 400 && status < 500) {
        logs.note('body', (count) => (count === 1 ? `refused a request whose body could not be read (${detail})` : `refused ${count} more requests whose body could not be read`));
        return rpcError(response, status, -32600, `Invalid request: ${detail}.`);
      }
      logs.note('internal', (count) => (count === 1 ? `internal error while answering a request: ${detail}` : `${count} more internal errors while answering requests`));
      return rpcError(response, 500, -32603, 'Internal error: the server failed to answer this request; see its log.');
    },
  };
}

/** Answers with a JSON-RPC error that has no id (the request's could not be read, or does not matter). */
export function rpcError(response: ServerResponse, status: number, code: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

/**
 * Log lines that may come once per request (hostile input), at most one per kind and interval: the first at once,
 * then the count of the rest at the end of the interval.
 */
class RateLimitedLog {
  private readonly kinds = new Map<string, { lastMs: number; unlogged: number; describe: (count: number) => string; timer?: NodeJS.Timeout }>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly intervalMs: number,
  ) {}

  note(kind: string, describe: (count: number) => string): void {
    const now = Date.now();
    const state = this.kinds.get(kind);
    if (state === undefined || (state.unlogged === 0 && now - state.lastMs >= this.intervalMs)) {
      this.kinds.set(kind, { lastMs: now, unlogged: 0, describe });
      this.log(describe(1));
      return;
    }
    state.unlogged++;
    state.describe = describe;
    state.timer ??= setTimeout(() => {
      state.timer = undefined;
      state.lastMs = Date.now();
      this.log(`${state.describe(state.unlogged)} in the last ${Math.round(this.intervalMs / 1000)} s`);
      state.unlogged = 0;
    }, Math.max(0, state.lastMs + this.intervalMs - now)).unref();
  }
}
