// Starts a server process that cannot outlive this one: a shell holds the read end of a pipe from us and kills the
// server with SIGKILL once the pipe closes, which happens however this process ends (crash, SIGKILL, timeout).
import { spawn } from 'node:child_process';

// The server's PID goes to fd 3; the reader in the background waits for our end of stdin to close.
// (A background list reads /dev/null unless redirected: hence stdin kept as fd 4.)
const WATCHDOG = 'exec 4<&0; "$@" </dev/null & server=$!; echo "$server" >&3; (cat <&4 >/dev/null; kill -9 "$server" 2>/dev/null) & wait "$server"';

/** Spawns `command args` tied to this process: `pid` resolves with the server's own PID once it is started. */
export function spawnTied(command, args, options = {}) {
  const shell = spawn('/bin/sh', ['-c', WATCHDOG, 'tied', command, ...args], { ...options, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => shell.once('exit', (code, signal) => resolve(code ?? signal)));
  // Once the server is gone, close the pipe so the watchdog ends too.
  void exited.then(() => shell.stdin.end());
  const pid = new Promise((resolve, reject) => {
    let text = '';
    shell.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    shell.once('error', reject);
    void exited.then(() => reject(new Error(`${command} did not start`)));
  });
  return { pid, exited, stdout: shell.stdout, stderr: shell.stderr };
}
