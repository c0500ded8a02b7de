// Small process helpers shared by the tools; Node built-ins only, so they run before `npm ci`.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (the folder above tools/). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Prints one progress line with a `[tools]` prefix so it stands out among tool output. */
export function progress(message) {
  console.log(`[tools] ${message}`);
}

/** Runs a command with inherited stdio; resolves with its exit code (a signal counts as 1). */
export function runCommand(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd: repoRoot, ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs a command and throws a readable error when it exits non-zero. */
export async function runOrThrow(command, args, options = {}) {
  const code = await runCommand(command, args, options);
  if (code !== 0) throw new Error(`\`${[command, ...args].join(' ')}\` exited with code ${code}`);
}

/** Kills a detached child's whole process group by PID, then the child itself; ignores what already exited. */
export function killProcessGroup(pid, signal = 'SIGTERM') {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch (error) {
      if (error.code !== 'ESRCH') throw error;
    }
  }
}

/** Formats a duration in seconds with one decimal, for progress lines. */
export function secondsSince(startMs) {
  return `${((Date.now() - startMs) / 1000).toFixed(1)} s`;
}

/**
 * Runs `work()` as a named step that is never silent: says when it starts, every `everyMs` that it is still
 * going with the time so far, and how long it took. `report` defaults to `progress`.
 */
export async function withHeartbeat(step, work, { everyMs = 15_000, report = progress } = {}) {
  const startMs = Date.now();
  report(`${step}…`);
  const beat = setInterval(() => report(`${step}: still working, ${secondsSince(startMs)} so far`), everyMs);
  try {
    const result = await work();
    report(`${step}: done in ${secondsSince(startMs)}`);
    return result;
  } finally {
    clearInterval(beat);
  }
}

/**
 * Runs `main` when the module at `moduleUrl` is the script Node was started with, setting the exit code from it.
 * A promise chain, not top-level await, so the module still loads where it is bundled or required as CommonJS.
 */
export function runWhenMain(moduleUrl, main) {
  if (process.argv[1] === undefined || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  main().then(
    () => (process.exitCode ??= 0),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
