import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Client, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { ChildProcessTransport } from './childProcessTransport';

/** How to start an MCP server over stdio. */
export interface ServerLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The complete environment of the process (nothing is inherited implicitly). */
  readonly env: NodeJS.ProcessEnv;
}

/** How a server process ended. */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Its last lines of stderr, oldest first. */
  readonly stderrTail: readonly string[];
}

/** Options of ServerProcess.start(). */
export interface ServerProcessOptions {
  /** Called for every line the server writes to stderr. */
  readonly onStderrLine?: (line: string) => void;
  /** Name and version the MCP client announces. */
  readonly clientInfo: { readonly name: string; readonly version: string };
  /** How long the MCP handshake may take before the start counts as failed. */
  readonly connectTimeoutMs?: number;
  /** How many stderr lines to keep for crash reports. */
  readonly stderrTailLines?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/**
 * The MCP client the extension speaks with, to a server of either SDK line and either protocol revision: the official
 * 2.x client in its `auto` version negotiation, which probes with the 2026-07-28 `server/discover` and, when the server
 * shows no sign of that revision (a 1.x server answers "method not found"), runs the 2025 `initialize` handshake on the
 * same connection. `legacy` skips the probe, for a server that ends its connection on a request before `initialize`.
 */
export function createMcpClient(clientInfo: { readonly name: string; readonly version: string }, negotiation: 'auto' | 'legacy' = 'auto'): Client {
  return new Client({ ...clientInfo }, { capabilities: {}, versionNegotiation: { mode: negotiation } });
}
const DEFAULT_STDERR_TAIL_LINES = 20;
/** How long stop() waits after each step (end stdin, SIGTERM) before the next, harsher one. */
const STOP_GRACE_MS = 2_000;

/** A running MCP server child process with an SDK client connected to its stdio; stop() leaves no process behind. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    /** The connected MCP client: list tools, call them. */
    readonly client: Client,
    /** Settles when the process has exited (and been reaped). */
    readonly exited: Promise<ServerExit>,
  ) {}

  /** Process id of the server (the leader of its own process group on POSIX). */
  get pid(): number {
    return this.child.pid!;
  }

  /** True until the process has exited. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Spawns the server and connects (either revision's handshake); on failure the process is gone and the error says
   * why. A server that exits on the 2026-07-28 probe (some stdio servers end on any request before `initialize`) is
   * started once more and spoken to with the 2025 handshake alone.
   */
  static async start(launch: ServerLaunch, options: ServerProcessOptions): Promise<ServerProcess> {
    try {
      return await ServerProcess.spawnAndConnect(launch, options, 'auto');
    } catch (error) {
      if (!(error instanceof ProbeEndedServer)) throw error;
      return ServerProcess.spawnAndConnect(launch, options, 'legacy');
    }
  }

  private static async spawnAndConnect(launch: ServerLaunch, options: ServerProcessOptions, negotiation: 'auto' | 'legacy'): Promise<ServerProcess> {
    const child = spawn(launch.command, [...launch.args], {
      cwd: launch.cwd,
      env: launch.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so stopping it also stops what it spawned (npx, tsx, shells).
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const stderrTail: string[] = [];
    const tailLimit = options.stderrTailLines ?? DEFAULT_STDERR_TAIL_LINES;
    let partialLine = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const lines = (partialLine + text).split(/\r?\n/);
      partialLine = lines.pop() ?? '';
      for (const line of lines) {
        stderrTail.push(line);
        if (stderrTail.length > tailLimit) stderrTail.shift();
        options.onStderrLine?.(line);
      }
    });
    const exited = new Promise<ServerExit>((resolve) => {
      child.once('exit', (code, signal) => {
        // stderr may still hold the last words of a crash; 'close' comes after the pipes drained.
        child.once('close', () => {
          if (partialLine) {
            stderrTail.push(partialLine);
            options.onStderrLine?.(partialLine);
            partialLine = '';
          }
          resolve({ code, signal, stderrTail: stderrTail.slice(-tailLimit) });
        });
      });
    });

    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(new Error(`Could not start \`${launch.command}\`: ${error.message}. Check the command and the working directory.`)),
      );
    });

    const client = createMcpClient(options.clientInfo, negotiation);
    const server = new ServerProcess(child, client, exited);
    try {
      await client.connect(new ChildProcessTransport(child), { timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
    } catch (error) {
      const exit = await server.stop();
      if (error instanceof SdkError && error.code === SdkErrorCode.EraNegotiationFailed && negotiation === 'auto') throw new ProbeEndedServer();
      const reason = error instanceof Error ? error.message : String(error);
      const tail = exit.stderrTail.length ? `\nLast stderr lines:\n${exit.stderrTail.slice(-5).join('\n')}` : '';
      throw new Error(`The MCP handshake with \`${launch.command}\` failed (${reason}); the process ended with ${describeExit(exit)}.${tail}`);
    }
    return server;
  }

  /** Ends stdin, then SIGTERM, then SIGKILL, each after a grace period; resolves once the process is gone. */
  async stop(graceMs = STOP_GRACE_MS): Promise<ServerExit> {
    if (this.alive) {
      await this.client.close().catch(() => undefined);
      if (!(await settlesWithin(this.exited, graceMs))) {
        this.signal('SIGTERM');
        if (!(await settlesWithin(this.exited, graceMs))) this.signal('SIGKILL');
      }
    }
    const exit = await this.exited;
    // Anything the server spawned into its group and left running goes too.
    this.signal('SIGKILL');
    return exit;
  }

  /** Kills the process (and its group) at once, without waiting: for synchronous disposal. */
  killNow(): void {
    if (this.alive) this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      if (process.platform !== 'win32') {
        process.kill(-this.pid, signal);
        return;
      }
    } catch {
      // ESRCH: the group is gone; the process itself may still be there if it left the group.
    }
    if (this.alive) this.child.kill(signal);
  }
}

/** The server ended its connection during the 2026-07-28 probe, before any handshake: worth a start without the probe. */
class ProbeEndedServer extends Error {}

/** `code 1`, `signal SIGKILL`: how a process ended, for messages. */
export function describeExit(exit: Pick<ServerExit, 'code' | 'signal'>): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
