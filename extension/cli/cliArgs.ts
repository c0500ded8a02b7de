import { parseArgs } from 'node:util';
import { DEFAULT_MAX_EVENTS } from '../inspector/inspectorModel';
import { redisUrlProblem } from '../inspector/redisLockSource';

/** Conditions `--fail-on` can turn into a non-zero exit. */
export const FAIL_ON_KINDS = ['deadlock', 'inversion', 'timeout', 'longHold', 'lost-update'] as const;

/** One `--fail-on` condition. */
export type FailOnKind = (typeof FAIL_ON_KINDS)[number];

/** Exit codes of `mcp-lock-inspector`, for CI scripts. */
export const EXIT_CODES = {
  ok: 0,
  /** A `--fail-on` condition happened. */
  lockProblem: 1,
  usage: 2,
  /** The server command could not be started. */
  serverDidNotStart: 3,
  /** The server exited with a non-zero code or a signal we did not send. */
  serverFailed: 4,
  /** The Redis `--redis` names could not be reached. */
  redisUnreachable: 5,
} as const;

/** What the command line asks for. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'watch';
      /** The server to start, or undefined with `--listen`. */
      readonly serverCommand: readonly string[] | undefined;
      readonly label: string | undefined;
      readonly tracePath: string | undefined;
      /** Where to save a `.lockrec` recording of the session on exit. */
      readonly recordPath: string | undefined;
      readonly json: boolean;
      readonly failOn: readonly FailOnKind[];
      readonly durationMs: number | undefined;
      readonly maxEvents: number;
      /** The MCP clients' request timeout for the timeout-budget advice; undefined: each call's own client's. */
      readonly clientTimeoutMs: number | undefined;
      readonly envFilePath: string | undefined;
      /** Inject the preload (mcp-lock-inspector/register) into a Node server; off with --no-preload. */
      readonly preload: boolean;
      /** Also read every replica's lock state from this Redis (a `redis` source), with --redis. */
      readonly redisUrl: string | undefined;
    }
  | {
      readonly kind: 'run';
      readonly serverCommand: readonly string[];
      readonly label: string | undefined;
      readonly preload: boolean;
    };

/** What `--help` prints. */
export const CLI_USAGE = `mcp-lock-inspector: the live lock view of MCP Lock Inspector, in a terminal or in CI.

Usage:
  mcp-lock-inspector watch [options] -- <server command> [args...]
      Starts the server with the inspector channel in its environment and shows its locks live.
      e.g.  mcp-lock-inspector watch --fail-on deadlock -- npx mcp-lock-inspector-server --demo-load
  mcp-lock-inspector watch [options] --listen
      Only opens the channel and prints the environment variables to give a server that another
      client launches (any server that uses the mcp-lock-inspector lock library reports to it).
  mcp-lock-inspector run [--label NAME] [--no-preload] -- <server command> [args...]
      A transparent stdio wrapper for any MCP client's server config: runs the server on the client's
      own stdin and stdout, with the preload, reporting to the running inspector (VS Code's, found
      through its discovery file, or the one the environment names).
      e.g.  "command": "npx", "args": ["mcp-lock-inspector", "run", "--", "node", "server.js"]

A stdio server started by watch has no MCP client (watch is not one): nothing calls its tools, and it
waits for a client until Ctrl-C or --duration. For a stdio server, put "run" in your MCP client's
config and keep "watch --listen" (or VS Code) open; "watch --" suits HTTP servers and --demo-load.

Options:
  --trace FILE           on exit (server exit, Ctrl-C, --duration) write a Chrome Trace Event file;
                         open it in https://ui.perfetto.dev or chrome://tracing
  --record FILE          on exit also save a .lockrec recording (events, sources; gzip JSON lines) that
                         "Lock Inspector: Open Recording" shows in the sidebar and timeline, on any machine
  --json                 stream every event as one JSON line on stdout (the live view moves to stderr);
                         when stdout does not keep up, events are dropped and counted (stderr says so)
  --fail-on LIST         exit with code 1 if any of these happened: ${FAIL_ON_KINDS.join(', ')}
                         (comma separated), e.g. --fail-on deadlock,inversion,timeout
  --duration SECONDS     stop after this long (the server is stopped too)
  --label NAME           name of the source in the view (default: the server command)
  --write-env FILE       with --listen: also write the environment as KEY=VALUE lines to FILE, always
                         as a new file only you can read (0600; a symlink there is replaced, not followed)
  --redis URL            also read the lock state every replica keeps in this Redis (RedisLockMap,
                         mcp-lock-inspector/redis), so holders on replicas that do not report show too;
                         read once a second, less often when a read takes longer than 50 ms
  --max-events N         events kept for --trace and --record (default ${DEFAULT_MAX_EVENTS})
  --client-timeout-ms N  the request timeout of the MCP clients calling the server, for the timeout
                         budget advice (default: each call's own client's; VS Code sets none, other
                         MCP SDK clients give up after 60000)
  --no-preload           do not add the preload (lost-update tracking for servers without the
                         lock library) to a Node server's NODE_OPTIONS
  -h, --help             show this text
  --version              show the version

Output: a live table (busy resources with holder, queue depth and waiters; per-tool wait and hold p95
and timeouts; warnings) redrawn at most 4 times a second when stdout is a terminal, plain lines
otherwise. Exit codes: 0 ok, 1 a --fail-on condition happened, 2 bad command line, 3 the server
could not be started, 4 the server failed (non-zero exit), 5 the Redis of --redis could not be
reached.
`;

/** Parses argv (without node and script); throws a CliUsageError that says what was wrong and what to do. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  const serverCommand = separator === -1 ? undefined : argv.slice(separator + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
        listen: { type: 'boolean', default: false },
        trace: { type: 'string' },
        record: { type: 'string' },
        json: { type: 'boolean', default: false },
        'fail-on': { type: 'string' },
        duration: { type: 'string' },
        label: { type: 'string' },
        // Not --env-file: Node 20 takes that flag for itself even after the script name.
        'write-env': { type: 'string' },
        'max-events': { type: 'string' },
        'client-timeout-ms': { type: 'string' },
        'no-preload': { type: 'boolean', default: false },
        redis: { type: 'string' },
      },
    });
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [subcommand, ...extra] = positionals;
  if (subcommand === undefined) throw new CliUsageError('Missing the command: use "watch" or "run".');
  if (subcommand !== 'watch' && subcommand !== 'run') throw new CliUsageError(`Unknown command "${subcommand}": the commands are "watch" and "run".`);
  if (extra.length > 0) {
    throw new CliUsageError(`Unexpected "${extra[0]}". Put the server command after "--", e.g. watch -- node server.js.`);
  }
  if (subcommand === 'run') {
    if (serverCommand === undefined || serverCommand.length === 0) throw new CliUsageError('Give the server command after "--", e.g. run -- node server.js.');
    return { kind: 'run', serverCommand, label: values.label === undefined ? undefined : nonEmpty('--label', values.label), preload: !values['no-preload'] };
  }
  if (values.listen && serverCommand !== undefined) {
    throw new CliUsageError('Use either --listen or a server command after "--", not both.');
  }
  if (!values.listen && (serverCommand === undefined || serverCommand.length === 0)) {
    throw new CliUsageError('Give the server command after "--" (e.g. watch -- node server.js), or use --listen.');
  }
  if (values['write-env'] !== undefined && !values.listen) {
    throw new CliUsageError('--write-env only makes sense with --listen (a server started by watch gets the environment directly).');
  }
  return {
    kind: 'watch',
    serverCommand: values.listen ? undefined : serverCommand,
    label: values.label === undefined ? undefined : nonEmpty('--label', values.label),
    tracePath: values.trace === undefined ? undefined : nonEmpty('--trace', values.trace),
    recordPath: values.record === undefined ? undefined : nonEmpty('--record', values.record),
    json: values.json,
    failOn: values['fail-on'] === undefined ? [] : parseFailOn(values['fail-on']),
    durationMs: values.duration === undefined ? undefined : positiveNumber('--duration', values.duration) * 1000,
    maxEvents: values['max-events'] === undefined ? DEFAULT_MAX_EVENTS : positiveInteger('--max-events', values['max-events']),
    clientTimeoutMs: values['client-timeout-ms'] === undefined ? undefined : positiveInteger('--client-timeout-ms', values['client-timeout-ms']),
    envFilePath: values['write-env'] === undefined ? undefined : nonEmpty('--write-env', values['write-env']),
    preload: !values['no-preload'],
    redisUrl: values.redis === undefined ? undefined : redisUrl(values.redis),
  };
}

function redisUrl(text: string): string {
  const problem = redisUrlProblem(text);
  if (problem !== undefined) throw new CliUsageError(`--redis: ${problem}.`);
  return text;
}

/** A command-line mistake; its message says what to do. */
export class CliUsageError extends Error {
  readonly code = 'E_USAGE';
  constructor(message: string) {
    super(`${message} Run "mcp-lock-inspector --help" for the options.`);
    this.name = 'CliUsageError';
  }
}

function parseFailOn(text: string): FailOnKind[] {
  const kinds = text.split(',').map((kind) => kind.trim()).filter((kind) => kind !== '');
  if (kinds.length === 0) throw new CliUsageError(`--fail-on needs a list such as "deadlock,inversion,timeout".`);
  for (const kind of kinds) {
    if (!(FAIL_ON_KINDS as readonly string[]).includes(kind)) {
      throw new CliUsageError(`--fail-on: unknown condition "${kind}"; choose from ${FAIL_ON_KINDS.join(', ')}.`);
    }
  }
  return [...new Set(kinds as FailOnKind[])];
}

function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new CliUsageError(`${name} needs a positive number, got "${text}".`);
  return value;
}

function positiveInteger(name: string, text: string): number {
  const value = positiveNumber(name, text);
  if (!Number.isInteger(value)) throw new CliUsageError(`${name} needs a whole number, got "${text}".`);
  return value;
}

function nonEmpty(name: string, text: string): string {
  if (text.trim() === '') throw new CliUsageError(`${name} needs a value.`);
  return text;
}
