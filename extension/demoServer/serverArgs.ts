import { parseArgs } from 'node:util';

/** The bundled server's command line, parsed and checked. */
export interface ServerArgs {
  readonly help: boolean;
  readonly http: boolean;
  /** Port of the HTTP entry; 0 picks a free one. */
  readonly port: number;
  readonly dataDir?: string;
  readonly latencyMs: number;
  readonly timeoutMs: number;
  readonly demoLoad: boolean;
  /** With the demo load, fire the opposite-order pair (charge_fee, refund_fee) too. */
  readonly demoDeadlocks: boolean;
  readonly sessionIdleMs: number;
  /** Most HTTP sessions open at once; a new one beyond evicts the idlest. */
  readonly maxSessions: number;
  /** Origins whose web pages may call the HTTP entry, besides its own. */
  readonly allowedOrigins: readonly string[];
  /** Redis URL: locks, balances and counters live there, shared by every replica. */
  readonly redis?: string;
  /** This process's name among replicas (with --redis). */
  readonly replica?: string;
  /** Serve Streamable HTTP without sessions, so any replica can answer any request. */
  readonly stateless: boolean;
}

/** Default of `--max-sessions`: far more than the clients of one machine open, far less than memory allows. */
export const DEFAULT_MAX_SESSIONS = 100;

/** Simulated storage latency when `--demo-load` runs and none was given: enough for contention to show. */
export const DEMO_LATENCY_MS = 20;

/** What `--help` prints. */
export const SERVER_USAGE = `mcp-lock-inspector-server: an MCP server whose tool calls share state under a per-resource lock map.

Usage: mcp-lock-inspector-server [options]

Transport:
  (default)              MCP over stdio
  --http                 Streamable HTTP at http://127.0.0.1:PORT/mcp (loopback only, Host header checked)
  --port N               HTTP port; 0 picks a free port and prints the URL (default 0)
  --session-idle-ms N    close HTTP sessions with nothing in flight for this long (default 1800000, 30 min)
  --max-sessions N       keep at most N HTTP sessions open: a new one closes the idlest, and is refused
                         when all are busy with calls (default ${DEFAULT_MAX_SESSIONS})
  --allow-origin ORIGIN  let web pages from ORIGIN (e.g. http://localhost:6274) call the HTTP entry; requests
                         with any other Origin header get 403 (repeatable; its own origin is always allowed)

State and locks:
  --data-dir DIR         keep balances and counters durably in DIR (journal with fsync); default: memory only
  --latency-ms N         add N ms of simulated storage latency to every read and write (default 0,
                         ${DEMO_LATENCY_MS} with --demo-load)
  --timeout-ms N         lock wait timeout (default 5000)

Replicas:
  --redis URL            keep locks (leases, fencing tokens), balances and counters in Redis, e.g.
                         redis://127.0.0.1:6379, shared by every replica; writes are fenced
  --replica NAME         this replica's name in lock owners, errors and the inspector (with --redis;
                         default host:pid)
  --stateless            with --http, serve without sessions, so a load balancer may send any request
                         to any replica

Demo:
  --demo-load            keep an in-process client firing parallel calls: transfers, deposits,
                         a hot account, and two handlers that take locks in opposite orders
  --demo-without-deadlocks
                         the demo load without that opposite-order pair (charge_fee, refund_fee)

  --help                 show this text

Tools: deposit, withdraw, get_balance, transfer, audit, lock_status, increment_counter,
deposit_foreign, charge_fee, refund_fee. Resource: locks://snapshot. The tools that change balances
and counters take an optional idempotencyKey (a fresh UUID per operation): a retry with the same key is
applied once and gets the first answer, even after a restart.
Lock events reach MCP Lock Inspector when MCP_LOCK_INSPECTOR_ADDRESS and MCP_LOCK_INSPECTOR_TOKEN are set.
`;

/** Parses argv (without node and script); throws an Error whose message says what was wrong and what to do. */
export function parseServerArgs(argv: readonly string[]): ServerArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        http: { type: 'boolean', default: false },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'latency-ms': { type: 'string' },
        'timeout-ms': { type: 'string' },
        'demo-load': { type: 'boolean', default: false },
        'demo-without-deadlocks': { type: 'boolean', default: false },
        'session-idle-ms': { type: 'string' },
        'max-sessions': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        redis: { type: 'string' },
        replica: { type: 'string' },
        stateless: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message.replace(/\.$/, '')}. Run with --help to see the options.`);
  }
  if (values.port !== undefined && !values.http) throw new Error('--port needs --http (stdio has no port).');
  for (const name of ['max-sessions', 'allow-origin'] as const) {
    if (values[name] !== undefined && !values.http) throw new Error(`--${name} needs --http (stdio has one client and no origin).`);
  }
  if (values['max-sessions'] !== undefined && values.stateless) throw new Error('--max-sessions and --stateless exclude each other: a stateless server keeps no sessions.');
  if (values.stateless && !values.http) throw new Error('--stateless needs --http (stdio has one client, no sessions to drop).');
  if (values.replica !== undefined && values.replica.trim() === '') throw new Error('--replica needs a name, e.g. --replica a.');
  if (values.replica !== undefined && values.redis === undefined) throw new Error('--replica needs --redis URL (without Redis there is only one replica).');
  if (values.redis !== undefined && !/^rediss?:\/\/\S+$/.test(values.redis)) throw new Error(`--redis needs a URL like redis://127.0.0.1:6379, got "${values.redis}".`);
  if (values.redis !== undefined && values['data-dir'] !== undefined) throw new Error('--data-dir and --redis exclude each other: with --redis the balances live in Redis (use its persistence).');
  const demoLoad = values['demo-load'];
  return {
    help: values.help,
    http: values.http,
    port: integerOption('--port', values.port, 0, 0, 65535),
    ...(values['data-dir'] === undefined ? {} : { dataDir: nonEmpty('--data-dir', values['data-dir']) }),
    latencyMs: integerOption('--latency-ms', values['latency-ms'], demoLoad ? DEMO_LATENCY_MS : 0, 0, 60_000),
    timeoutMs: integerOption('--timeout-ms', values['timeout-ms'], 5000, 1, 3_600_000),
    demoLoad,
    demoDeadlocks: !values['demo-without-deadlocks'],
    sessionIdleMs: integerOption('--session-idle-ms', values['session-idle-ms'], 30 * 60_000, 1000, 7 * 24 * 3_600_000),
    maxSessions: integerOption('--max-sessions', values['max-sessions'], DEFAULT_MAX_SESSIONS, 1, 100_000),
    allowedOrigins: (values['allow-origin'] ?? []).map(originOption),
    ...(values.redis === undefined ? {} : { redis: values.redis }),
    ...(values.replica === undefined ? {} : { replica: values.replica }),
    stateless: values.stateless,
  };
}

function integerOption(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${text}".`);
  }
  return value;
}

function originOption(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // Refused below with the same advice.
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== text.replace(/\/$/, '')) {
    throw new Error(`--allow-origin needs an origin such as http://localhost:6274 (scheme, host and port only), got "${text}".`);
  }
  return url.origin;
}

function nonEmpty(name: string, text: string): string {
  if (text.trim() === '') throw new Error(`${name} needs a folder path.`);
  return text;
}
