import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a running inspector publishes so that wrapped servers other clients launch can find it. */
export interface HubDiscovery {
  readonly address: string;
  readonly token: string;
  /** The inspector's process: a file whose process is gone is stale. */
  readonly pid: number;
}

/**
 * The discovery file: in the user's runtime directory (`$XDG_RUNTIME_DIR`, private to the user by definition),
 * else in a folder of the temporary directory named after the user id and made private (0700).
 */
export function hubDiscoveryFile(env: NodeJS.ProcessEnv = process.env): string {
  const runtimeDirectory = env['XDG_RUNTIME_DIR'];
  const folder = runtimeDirectory ? path.join(runtimeDirectory, 'mcp-lock-inspector') : path.join(os.tmpdir(), `mcp-lock-inspector-${os.userInfo().uid}`);
  return path.join(folder, 'hub.json');
}

/** Publishes `discovery` readable by this user only (0600 in a 0700 folder); returns the function that removes it again. */
export function writeHubDiscovery(discovery: HubDiscovery, env: NodeJS.ProcessEnv = process.env): () => void {
  const file = hubDiscoveryFile(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, JSON.stringify(discovery), { mode: 0o600 });
  // Renamed into place, so a reader never sees half a file.
  renameSync(staging, file);
  return () => {
    // Another inspector may have published since; remove only our own.
    if (readHubDiscovery(env, { checkProcess: false })?.pid === discovery.pid) rmSync(file, { force: true });
  };
}

/**
 * The inspector the discovery file names, or undefined when there is none, it is stale (its process or socket
 * is gone), or anyone but this user could read or have written it.
 */
export function readHubDiscovery(env: NodeJS.ProcessEnv = process.env, options: { readonly checkProcess?: boolean } = {}): HubDiscovery | undefined {
  const file = hubDiscoveryFile(env);
  let parsed: Partial<HubDiscovery>;
  try {
    const status = lstatSync(file);
    if (!status.isFile() || (status.mode & 0o077) !== 0 || (process.getuid !== undefined && status.uid !== process.getuid())) return undefined;
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<HubDiscovery>;
  } catch {
    return undefined;
  }
  if (typeof parsed.address !== 'string' || typeof parsed.token !== 'string' || typeof parsed.pid !== 'number') return undefined;
  if (options.checkProcess !== false && (!processIsAlive(parsed.pid) || (process.platform !== 'win32' && !existsSync(parsed.address)))) return undefined;
  return { address: parsed.address, token: parsed.token, pid: parsed.pid };
}

// Signal 0 only asks whether the process exists; EPERM (someone else's process) is not our inspector either.
function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
