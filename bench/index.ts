// `npm run bench [-- name...]`: runs every bench/*.bench.ts (or those whose name contains an argument), each in
// its own process with --expose-gc, so one bench's state (heap, AsyncLocalStorage hooks, timers) cannot skew another.
// A bench file is a plain script: it measures with ./measure.ts, prints tables with ratios against baselines
// measured in the same run, and exits non-zero only when it could not measure (a missed target is printed, not fatal).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const benches = readdirSync(__dirname)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (benches.length === 0) {
  console.error(`No bench/*.bench.ts matches ${filters.join(', ')}; available: ${readdirSync(__dirname).filter((file) => file.endsWith('.bench.ts')).join(', ')}.`);
  process.exit(1);
}
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench} ===`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, bench)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`${bench} failed (exit ${result.status ?? result.signal}).`);
  }
}
process.exit(failed === 0 ? 0 : 1);
