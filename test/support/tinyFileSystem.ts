import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why a tiny file system cannot be mounted here, or undefined when it can (root on Linux). */
export const tinyFileSystemUnavailable: string | undefined =
  process.platform !== 'linux' ? 'needs Linux to mount a tmpfs' : process.getuid?.() !== 0 ? 'needs root to mount a small tmpfs (CI runs as root)' : undefined;

/** A freshly mounted tmpfs of `sizeKb` KB, so a test can fill a disk for real; `unmount` removes it. */
export interface TinyFileSystem {
  readonly path: string;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeKb` KB in a fresh folder (root only, see tinyFileSystemUnavailable). */
export function mountTinyFileSystem(sizeKb: number): TinyFileSystem {
  const path = mkdtempSync(join(tmpdir(), 'tiny-fs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=700`, 'tmpfs', path]);
  return {
    path,
    unmount() {
      execFileSync('umount', [path]);
      rmSync(path, { recursive: true, force: true });
    },
  };
}
