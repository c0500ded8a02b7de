// The default import is the module object itself (a namespace import would be frozen in ES modules).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedStateTracker } from './sharedStateTracker';

type AnyFunction = (...args: any[]) => any;
type Role = 'read' | 'write' | 'rename';

/** The functions tracked, by module and name; `rename` writes both of its paths. */
const TRACKED: ReadonlyArray<readonly [target: 'fs' | 'promises', name: string, role: Role]> = [
  ['fs', 'readFile', 'read'],
  ['fs', 'readFileSync', 'read'],
  ['promises', 'readFile', 'read'],
  ['fs', 'writeFile', 'write'],
  ['fs', 'writeFileSync', 'write'],
  ['promises', 'writeFile', 'write'],
  ['fs', 'appendFile', 'write'],
  ['fs', 'appendFileSync', 'write'],
  ['promises', 'appendFile', 'write'],
  ['fs', 'unlink', 'write'],
  ['fs', 'unlinkSync', 'write'],
  ['promises', 'unlink', 'write'],
  ['fs', 'rename', 'rename'],
  ['fs', 'renameSync', 'rename'],
  ['promises', 'rename', 'rename'],
];

// Directories resolved to their real path once; a handful in practice, bounded against a server that writes everywhere.
const MAX_CACHED_DIRECTORIES = 1024;
const realDirectories = new Map<string, string>();
let uninstall: (() => void) | undefined;
// Node's own functions call each other (appendFileSync calls writeFileSync): only the outermost call is the user's.
let depth = 0;

/**
 * Reports reads and writes of files through `node:fs` and `node:fs/promises` (both the module objects and ES
 * named imports) to the shared-state tracker, keyed by real path: read/write/append/rename/unlink of a path, not
 * file descriptors or handles. Both count when they start: a write that starts during a read may or may not be in
 * what it returns, so the read did not surely see it.
 * Returns the function that puts the original functions back; installing twice installs once.
 */
export function trackFileSystem(): () => void {
  if (uninstall !== undefined) return uninstall;
  const targets = { fs: fs as unknown as Record<string, AnyFunction>, promises: fs.promises as unknown as Record<string, AnyFunction> };
  const originals: Array<() => void> = [];
  for (const [targetName, name, role] of TRACKED) {
    const target = targets[targetName];
    const original = target[name];
    target[name] = tracking(original, role);
    originals.push(() => {
      target[name] = original;
    });
  }
  syncBuiltinESMExports();
  uninstall = () => {
    for (const restore of originals) restore();
    syncBuiltinESMExports();
    uninstall = undefined;
  };
  return uninstall;
}

function tracking(original: AnyFunction, role: Role): AnyFunction {
  const wrapper = function (this: unknown, ...args: any[]): unknown {
    const access = depth === 0 ? sharedStateTracker.capture(wrapper) : undefined;
    if (access === undefined) return runNested(original, this, args);
    const key = fileKey(args[0]);
    if (key === undefined) return runNested(original, this, args);
    if (role === 'read') {
      sharedStateTracker.read(key, access);
    } else {
      sharedStateTracker.write(key, 'file', access);
      const destination = role === 'rename' ? fileKey(args[1]) : undefined;
      if (destination !== undefined) sharedStateTracker.write(destination, 'file', access);
    }
    return runNested(original, this, args);
  };
  Object.defineProperty(wrapper, 'name', { value: original.name });
  return wrapper;
}

function runNested(original: AnyFunction, self: unknown, args: unknown[]): unknown {
  depth++;
  try {
    return original.apply(self, args);
  } finally {
    depth--;
  }
}

/** The real path of a path argument, or undefined for file descriptors, handles and anything else. */
function fileKey(file: unknown): string | undefined {
  let text: string;
  if (typeof file === 'string') text = file;
  else if (file instanceof URL) text = file.protocol === 'file:' ? fileURLToPath(file) : '';
  else if (Buffer.isBuffer(file)) text = file.toString();
  else return undefined;
  if (text === '') return undefined;
  const absolute = path.resolve(text);
  return path.join(realDirectory(path.dirname(absolute)), path.basename(absolute));
}

// The file itself may not exist yet (a first write, a rename's target), its directory does: resolve that.
function realDirectory(directory: string): string {
  let real = realDirectories.get(directory);
  if (real !== undefined) return real;
  try {
    real = fs.realpathSync.native(directory);
  } catch {
    real = directory;
  }
  if (realDirectories.size >= MAX_CACHED_DIRECTORIES) realDirectories.clear();
  realDirectories.set(directory, real);
  return real;
}
