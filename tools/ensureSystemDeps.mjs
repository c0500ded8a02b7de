// Installs the Debian packages the harness needs: Chromium to drive the workbench, krb5 headers for code-server's native
// module, redis-server and haproxy for the replicated demo and its tests.
import { existsSync } from 'node:fs';
import { progress, runOrThrow, runWhenMain, secondsSince } from './processes.mjs';

/** Debian packages, each with the file that shows it is installed. */
const requiredPackages = [
  { name: 'chromium', installedFile: '/usr/bin/chromium' },
  { name: 'libkrb5-dev', installedFile: '/usr/include/gssapi/gssapi.h' },
  { name: 'redis-server', installedFile: '/usr/bin/redis-server' },
  { name: 'haproxy', installedFile: '/usr/sbin/haproxy' },
];

/** Path of the Chromium binary the harness drives. */
export const chromiumPath = '/usr/bin/chromium';

/** Installs whichever required Debian packages are missing (one `apt-get update`, one `apt-get install`). */
export async function ensureSystemDeps() {
  const missing = requiredPackages.filter(({ installedFile }) => !existsSync(installedFile)).map(({ name }) => name);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages: ${missing.join(', ')}. Install them as root: apt-get install -y ${missing.join(' ')}`);
  }
  const startMs = Date.now();
  progress(`installing Debian packages ${missing.join(', ')} (apt-get update, then install; about a minute)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runOrThrow('apt-get', ['update'], { env });
  await runOrThrow('apt-get', ['install', '-y', ...missing], { env });
  progress(`Debian packages installed in ${secondsSince(startMs)}`);
}

runWhenMain(import.meta.url, ensureSystemDeps);
