import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from './sleep';

/** How a StateStore keeps its values and how slow it pretends to be. */
export interface StateStoreOptions {
  /** Folder of the journal; without it the state lives in memory only. */
  readonly dataDir?: string;
  /** Simulated storage latency added to every read and every write, so contention shows as it would with a database. */
  readonly latencyMs?: number;
}

/** Name of the append-only journal inside the data folder. */
export const JOURNAL_FILE = 'journal.jsonl';

/** One journal line: the new values of every key a write changed, applied together. */
interface JournalRecord {
  readonly set: Record<string, number>;
}

interface PendingWrite {
  readonly line: string;
  readonly changes: ReadonlyMap<string, number>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * A map of integer values (account balances in cents, counters) that survives restarts and kills.
 *
 * It does no locking of its own: callers serialise read-modify-write under locks. Each `write` is
 * one journal line, appended and fsynced before the write resolves (concurrent writes share one
 * fsync), so an acknowledged change is never lost; a line torn by a kill is unacknowledged and is
 * dropped at the next open, which also compacts the journal to one line by write-temp-then-rename.
 */
export class StateStore {
  private readonly values = new Map<string, number>();
  private readonly pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly latencyMs: number,
    private readonly journal: FileHandle | undefined,
  ) {}

  /** Opens (or creates) the store, replaying and compacting the journal when there is a data folder. */
  static async open(options: StateStoreOptions = {}): Promise<StateStore> {
    const latencyMs = options.latencyMs ?? 0;
    if (!Number.isFinite(latencyMs) || latencyMs < 0) {
      throw new RangeError(`latencyMs must be a finite number >= 0, got ${latencyMs}`);
    }
    if (options.dataDir === undefined) return new StateStore(latencyMs, undefined);
    await mkdir(options.dataDir, { recursive: true });
    const values = await replayJournal(join(options.dataDir, JOURNAL_FILE));
    await writeCompactJournal(options.dataDir, values);
    const journal = await open(join(options.dataDir, JOURNAL_FILE), 'a');
    const store = new StateStore(latencyMs, journal);
    for (const [key, value] of values) store.values.set(key, value);
    return store;
  }

  /** The value of `key` after the simulated latency, or undefined when it was never written. */
  async read(key: string): Promise<number | undefined> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    return this.values.get(key);
  }

  /** Current keys that start with `prefix`, sorted; no latency (an index lookup). */
  keys(prefix: string): string[] {
    return [...this.values.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  /** Sets every key of `changes` at once; resolves only when the change is durable. */
  async write(changes: ReadonlyMap<string, number>): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (this.closed) throw new Error('The state store is closed; the server is shutting down.');
    if (this.failure) throw this.failure;
    for (const [key, value] of changes) {
      if (!Number.isSafeInteger(value)) throw new RangeError(`Value of ${key} must be a safe integer, got ${value}`);
    }
    if (!this.journal) {
      for (const [key, value] of changes) this.values.set(key, value);
      return;
    }
    const record: JournalRecord = { set: Object.fromEntries(changes) };
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(record)}\n`, changes, resolve, reject });
      this.flushing ??= this.flushPending();
    });
  }

  /** Waits for queued writes, then closes the journal; later writes fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.journal?.close();
  }

  private async flushPending(): Promise<void> {
    const journal = this.journal!;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.pending.length);
      try {
        await journal.write(batch.map((write) => write.line).join(''));
        await journal.datasync();
      } catch (cause) {
        // After a failed append the journal's tail is unknown: refuse further writes rather than acknowledge on top of it.
        this.failure = new Error(`Storage failed (${(cause as Error).message}); restart the server to recover from the journal.`);
        for (const write of [...batch, ...this.pending.splice(0)]) write.reject(this.failure);
        break;
      }
      for (const write of batch) {
        for (const [key, value] of write.changes) this.values.set(key, value);
        write.resolve();
      }
    }
    this.flushing = undefined;
  }
}

async function replayJournal(path: string): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return values;
    throw error;
  }
  const lines = text.split('\n');
  // The last element is empty after a clean append; anything else there is a torn, unacknowledged write.
  lines.pop();
  lines.forEach((line, index) => {
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      throw new Error(`${path} line ${index + 1} is not valid JSON; the journal is damaged. Restore it from a backup or move it away to start empty.`);
    }
    for (const [key, value] of Object.entries(record.set ?? {})) values.set(key, value);
  });
  return values;
}

async function writeCompactJournal(dataDir: string, values: ReadonlyMap<string, number>): Promise<void> {
  const temporaryPath = join(dataDir, `${JOURNAL_FILE}.tmp`);
  const temporary = await open(temporaryPath, 'w');
  try {
    if (values.size > 0) await temporary.write(`${JSON.stringify({ set: Object.fromEntries(values) } satisfies JournalRecord)}\n`);
    await temporary.sync();
  } finally {
    await temporary.close();
  }
  await rename(temporaryPath, join(dataDir, JOURNAL_FILE));
  // The rename is durable only once the folder entry is.
  const folder = await open(dataDir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
