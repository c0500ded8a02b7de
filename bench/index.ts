// `npm run bench [-- name...]`: runs every bench/*.bench.ts (or those whose name contains an argument), each in
// its own process with --expose-gc, so one bench's state (heap, AsyncLocalStorage hooks, timers) cannot skew another.
// A bench file is a plain script: it measures with ./measure.ts, prints tables with ratios against baselines
// measured in the same run, and exits non-zero only when it could not measure (a missed target is printed, not fatal).
// The benches of EVERY_NODE_LINE also run on each LTS line of tools/nodeLines.mjs, installed on first use.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeLines } from '../tools/nodeLines.mjs';

// Their figures move most between Node lines (promise hooks on 20, context frames from 24 on); the server bench's
// stdio servers run on the same line as the bench itself.
const EVERY_NODE_LINE = new Set(['locks.bench.ts', 'server.bench.ts']);

const filters = process.argv.slice(2);
const benches = readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (benches.length === 0) {
  console.error(`No bench/*.bench.ts matches ${filters.join(', ')}; available: ${readdirSync(__dirname).filter((file) => file.endsWith('.bench.ts')).join(', ')}.`);
  process.exit(1);
}

async function main(): Promise<void> {
  const nodeLines = benches.some((bench) => EVERY_NODE_LINE.has(bench)) ? await ensureNodeLines() : [];
  let failed = 0;
  for (const bench of benches) {
    const runtimes = [{ label: `node ${process.version}, this machine's`, binary: process.execPath }];
    if (EVERY_NODE_LINE.has(bench)) runtimes.push(...nodeLines.map(({ version, binary }) => ({ label: `node v${version}`, binary })));
    for (const { label, binary } of runtimes) {
      console.log(`\n=== ${bench} on ${label} ===`);
      const result = spawnSync(binary, ['--expose-gc', '--import', 'tsx', join(__dirname, bench)], { stdio: 'inherit' });
      if (result.status !== 0) {
        failed++;
        console.error(`${bench} on ${label} failed (exit ${result.status ?? result.signal}).`);
      }
    }
  }
  process.exit(failed === 0 ? 0 : 1);
}

void main();
