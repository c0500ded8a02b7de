import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBundles } from '../../../tools/bundles.mjs';

/** Bundles the CLI and the bundled MCP server into a fresh temporary folder, exactly as esbuild.mjs ships them. */
export async function bundleCliAndServer(): Promise<{ directory: string; cli: string; server: string }> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'mcp-lock-inspector-cli-test-'));
  await buildBundles(['cli', 'server'], { outdir: directory });
  return { directory, cli: path.join(directory, 'cli.js'), server: path.join(directory, 'server.js') };
}

/** A running `mcp-lock-inspector` process with its output collected. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: Array<() => void> = [];

  private constructor(
    readonly child: ChildProcess,
    readStdout: boolean,
  ) {
    if (readStdout) child.stdout?.on('data', (chunk: Buffer) => this.collect('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.collect('stderr', chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  private static readonly running = new Set<CliProcess>();

  /** Starts `cli` with `args`; with `readStdout: false` nobody reads its stdout (a pipe that fills up). */
  static start(cli: string, args: readonly string[], cwd: string, env: Record<string, string> = {}, options: { readStdout?: boolean } = {}): CliProcess {
    const started = new CliProcess(spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }), options.readStdout ?? true);
    CliProcess.running.add(started);
    void started.exited.then(() => CliProcess.running.delete(started));
    return started;
  }

  /** Kills (by pid) every CLI a test started that is still running, e.g. after a failed assertion; they stop their servers. */
  static async stopAll(): Promise<void> {
    const stillRunning = [...CliProcess.running];
    for (const cli of stillRunning) cli.child.kill('SIGTERM');
    await Promise.all(stillRunning.map((cli) => cli.exited));
  }

  /** Resolves with the first match of `pattern` in stdout + stderr; rejects if the process exits first or after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = `${this.stdout}\n${this.stderr}`.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`CLI exited before ${pattern}:\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`No ${pattern} within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Sends Ctrl-C's signal and waits for the exit code. */
  async interrupt(): Promise<number | null> {
    this.child.kill('SIGINT');
    return (await this.exited).code;
  }

  private collect(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this[stream] += chunk.toString('utf8');
    for (const wake of this.waiters.splice(0)) wake();
  }
}
