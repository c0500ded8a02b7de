// Shared helpers of every bench/*.bench.ts: time an operation after warm-up, read the heap, print ratio tables.

/** Sequential timing of one operation. */
export interface Timing {
  /** Mean nanoseconds per operation. */
  readonly nsPerOp: number;
  readonly ops: number;
}

/** Runs `op` `warmupOps` times, then times `ops` sequential runs (each awaited when it returns a promise). */
export async function timeOps(op: () => unknown, ops: number, warmupOps = Math.ceil(ops / 10)): Promise<Timing> {
  for (let index = 0; index < warmupOps; index++) await op();
  const startedNs = process.hrtime.bigint();
  for (let index = 0; index < ops; index++) await op();
  return { nsPerOp: Number(process.hrtime.bigint() - startedNs) / ops, ops };
}

/** Milliseconds `run` takes, once. */
export async function timeOnce(run: () => Promise<unknown>): Promise<number> {
  const startedNs = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - startedNs) / 1e6;
}

/**
 * Measures each contestant once per round, interleaved, and keeps its best value (`lower` or `higher` is better),
 * so drift from GC, JIT or other processes on the machine hits every contestant alike.
 */
export async function bestOfRounds(
  rounds: number,
  contestants: readonly (readonly [label: string, measure: () => Promise<number>])[],
  better: 'lower' | 'higher',
): Promise<Map<string, number>> {
  const best = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const [label, measure] of contestants) {
      const value = await measure();
      const known = best.get(label);
      if (known === undefined || (better === 'lower' ? value < known : value > known)) best.set(label, value);
    }
  }
  return best;
}

/** Bytes of live heap after a full collection (needs `node --expose-gc`, which `npm run bench` passes). */
export function liveHeapBytes(): number {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('Heap checks need `node --expose-gc`; run the benches with `npm run bench`.');
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** One line of a results table. */
export interface BenchRow {
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** The row this one is compared with, by label (measured in the same run). */
  readonly versus?: string;
  /** The goal for `value / versus.value`, e.g. `<= 1.3` or `>= 0.8`. */
  readonly target?: `${'<=' | '>='} ${number}`;
  /** Extra facts, e.g. lost updates or entries left. */
  readonly note?: string;
}

/** Prints `rows` as an aligned table with each row's ratio to its baseline and whether it meets its target. */
export function printTable(title: string, rows: readonly BenchRow[]): void {
  const cells = rows.map((row) => {
    const baseline = row.versus === undefined ? undefined : rows.find((candidate) => candidate.label === row.versus);
    if (row.versus !== undefined && baseline === undefined) throw new Error(`Row "${row.label}" compares with unknown row "${row.versus}".`);
    const ratio = baseline === undefined ? undefined : row.value / baseline.value;
    return [
      row.label,
      `${formatNumber(row.value)} ${row.unit}`,
      ratio === undefined ? '' : `${ratio.toFixed(2)}x ${row.versus}`,
      row.target === undefined || ratio === undefined ? '' : `${row.target}: ${meets(ratio, row.target) ? 'ok' : 'MISSED'}`,
      row.note ?? '',
    ];
  });
  const widths = cells[0]?.map((_, column) => Math.max(...cells.map((line) => line[column].length))) ?? [];
  console.log(`\n${title}`);
  for (const line of cells) console.log(`  ${line.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()}`);
}

function meets(ratio: number, target: string): boolean {
  const [comparison, bound] = target.split(' ');
  return comparison === '<=' ? ratio <= Number(bound) : ratio >= Number(bound);
}

function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 3);
}
