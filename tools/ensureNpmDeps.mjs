// Runs `npm ci` when node_modules is missing or older than package-lock.json, so a fresh clone needs no manual step.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { progress, repoRoot, runOrThrow, runWhenMain, secondsSince } from './processes.mjs';

// npm writes this file on every install, so its time says when node_modules last matched the lock file.
const installStampPath = join(repoRoot, 'node_modules', '.package-lock.json');
const lockFilePath = join(repoRoot, 'package-lock.json');

/** Installs the locked npm dependencies unless node_modules is already at least as new as package-lock.json. */
export async function ensureNpmDeps() {
  if (existsSync(installStampPath) && statSync(installStampPath).mtimeMs >= statSync(lockFilePath).mtimeMs) return;
  const startMs = Date.now();
  progress('installing npm dependencies (npm ci)');
  await runOrThrow('npm', ['ci', '--no-audit', '--no-fund']);
  progress(`npm dependencies installed in ${secondsSince(startMs)}`);
}

runWhenMain(import.meta.url, ensureNpmDeps);
