// `npm run lint`: checks the floor plan. Each room of the source tree may import only the rooms the README's
// architecture allows, so a lock event keeps one short one-way path: locks -> mcp -> inspector -> host -> webview.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { repoRoot, runWhenMain } from './processes.mjs';

/** What each room may import: other rooms (folders relative to the repo root) and npm packages. */
const rooms = [
  { room: 'extension/contract', rooms: [], packages: ['zod'], node: false },
  { room: 'extension/locks', rooms: ['extension/contract'], packages: [], node: true },
  { room: 'extension/mcp', rooms: ['extension/contract'], packages: ['mcp-lock-inspector/locks', '@modelcontextprotocol/', 'zod'], node: true },
  { room: 'extension/redis', rooms: ['extension/contract'], packages: ['mcp-lock-inspector/locks', 'redis'], node: true },
  { room: 'extension/demoServer', rooms: ['extension/contract', 'extension/locks', 'extension/mcp', 'extension/redis'], packages: ['@modelcontextprotocol/', 'zod', 'redis'], node: true },
  { room: 'extension/inspector', rooms: ['extension/contract'], packages: ['zod'], node: true },
  // The CLI and the host also read lock state straight from Redis (the inspector's `redis` source) through extension/redis.
  { room: 'extension/cli', rooms: ['extension/contract', 'extension/inspector', 'extension/redis', 'package.json'], packages: [], node: true },
  { room: 'extension/host', rooms: ['extension/contract', 'extension/inspector', 'extension/redis'], packages: ['vscode', '@modelcontextprotocol/', 'typescript', 'zod'], node: true },
  { room: 'webview', rooms: ['extension/contract'], packages: [], node: false },
  // Tests and benches share their builders through test/support, never through each other's folders.
  { room: 'bench', rooms: ['extension', 'webview', 'test/support', 'tools'], packages: ['*'], node: true },
  { room: 'test', rooms: ['extension', 'webview', 'tools'], packages: ['*'], node: true },
];

/** Source files below `folder` (relative to the repo root), recursively. */
function sourceFiles(folder) {
  return readdirSync(join(repoRoot, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|cts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)))
    .filter((file) => !file.split(sep).includes('node_modules'));
}

/** Which room a repo-relative path belongs to: the longest matching room prefix. */
function roomOf(path) {
  const posix = path.split(sep).join('/');
  return rooms.filter(({ room }) => posix === room || posix.startsWith(`${room}/`)).sort((a, b) => b.room.length - a.room.length)[0];
}

const isNodeBuiltin = (specifier) => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]);

/** Every import of `file` its room does not allow, as `file:line: why`. */
function violationsIn(file) {
  const own = roomOf(file);
  if (!own) return [];
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found = [];
  for (const { fileName: specifier, pos } of ts.preProcessFile(text, true, true).importedFiles) {
    const line = source.getLineAndCharacterOfPosition(pos).line + 1;
    const refuse = (why) => found.push(`${file}:${line}: imports '${specifier}': ${why}`);
    if (specifier.startsWith('.')) {
      const target = relative(repoRoot, resolve(dirname(join(repoRoot, file)), specifier)).split(sep).join('/');
      const targetRoom = roomOf(target);
      if (targetRoom === own) continue;
      const allowed = own.rooms.some((room) => target === room || target.startsWith(`${room}/`) || target.startsWith(`${room}.`));
      if (!allowed) refuse(`${own.room}/ may import only ${[own.room, ...own.rooms].join(', ')}${own.room === 'extension/mcp' && target.startsWith('extension/locks') ? " (the lock library through 'mcp-lock-inspector/locks')" : ''}`);
    } else if (isNodeBuiltin(specifier)) {
      if (!own.node) refuse(`${own.room}/ runs in the browser too and may not use Node built-ins`);
    } else if (!own.packages.includes('*') && !own.packages.some((allowed) => specifier === allowed || (allowed.endsWith('/') && specifier.startsWith(allowed)))) {
      refuse(own.packages.length === 0 ? `${own.room}/ imports no npm packages` : `${own.room}/ may import only the packages ${own.packages.join(', ')}`);
    }
  }
  return found;
}

/** Checks every room; prints each violation and exits 1 when there is any. */
export async function checkLayers() {
  const files = ['extension', 'webview', 'test', 'bench'].flatMap(sourceFiles);
  const violations = files.flatMap(violationsIn);
  for (const violation of violations) console.error(violation);
  console.log(`layers: ${files.length} files checked, ${violations.length} imports across the floor plan's walls`);
  if (violations.length > 0) process.exitCode = 1;
}

runWhenMain(import.meta.url, checkLayers);
