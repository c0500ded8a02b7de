import { mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { appliedCallSchema, idempotencyKeySchema, keyReusedError, REMEMBERED_CALLS, type AppliedCall, type KeyedCall } from './appliedCalls';
import { isCutShortJson } from './jsonPrefix';
import { sleep } from './sleep';

/** How a StateStore keeps its values and how slow it pretends to be. */
export interface StateStoreOptions {
  /** Folder of the journal; without it the state lives in memory only. */
  readonly dataDir?: string;
  /** Simulated storage latency added to every read and every write, so contention shows as it would with a database. */
  readonly latencyMs?: number;
  /** Hears what opening the journal repaired: a torn last line dropped, a compaction the disk had no room for. */
  readonly log?: (message: string) => void;
}

/** Name of the append-only journal inside the data folder. */
export const JOURNAL_FILE = 'journal.jsonl';

const VALUE_RULE = 'must be a whole number >= 0 (a safe integer: cents or a count)';

/** One journal line: the new values of every key a write changed, and the call it answered when it had an idempotency key. */
interface JournalRecord {
  readonly set: Readonly<Record<string, number>>;
  readonly applied?: Readonly<Record<string, AppliedCall>>;
}

/** Schema of a journal line, checked on every write and on every line read back. */
export const journalRecordSchema = z.object(
  {
    set: z.record(z.string().min(1).max(256), z.number({ error: VALUE_RULE }).int(VALUE_RULE).min(0, VALUE_RULE).max(Number.MAX_SAFE_INTEGER, VALUE_RULE), {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be an object of key: value'),
    }),
    applied: z.record(idempotencyKeySchema, appliedCallSchema).optional(),
  },
  { error: 'a record must be an object' },
) satisfies z.ZodType<JournalRecord>;

interface PendingWrite {
  readonly line: string;
  readonly changes: ReadonlyMap<string, number>;
  readonly applied: KeyedCall | undefined;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** What a journal held when it was read back. */
interface ReplayedJournal {
  readonly values: Map<string, number>;
  readonly appliedCalls: Map<string, AppliedCall>;
  /** Bytes of the journal that hold records; a torn last line begins here. */
  readonly recordBytes: number;
  /** Bytes of a torn last line (an append cut short), dropped. */
  readonly tornBytes: number;
  /** The last record is complete but lacks its newline. */
  readonly missingNewline: boolean;
}

/**
 * A map of integer values (account balances in cents, counters) that survives restarts, kills and full disks.
 *
 * It does no locking of its own: callers serialise read-modify-write under locks. Each `write` is one journal
 * line, appended and fsynced before the write resolves (concurrent writes share one fsync), so an acknowledged
 * change is never lost; an append that does not fully reach the disk is cut off again and fails, so a change the
 * caller was told failed is never replayed. At the next open only a provably torn last line is dropped; anything
 * else unreadable stops the open, naming file and line, before anything is written. The open then compacts the
 * journal to one line by write-temp-then-rename. A write may carry the call it answers under an idempotency key,
 * in the same line, so a retry of that call can be answered without applying it again, even after a restart.
 */
export class StateStore {
  private readonly values = new Map<string, number>();
  /** Most recent last. */
  private readonly appliedCalls = new Map<string, AppliedCall>();
  private readonly pendingCalls = new Map<string, AppliedCall>();
  private readonly pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly latencyMs: number,
    private readonly journal: FileHandle | undefined,
    private readonly dataDir: string | undefined,
    /** Length of the journal as every acknowledged append left it. */
    private journalBytes: number,
  ) {}

  /** Opens (or creates) the store, replaying and compacting the journal when there is a data folder. */
  static async open(options: StateStoreOptions = {}): Promise<StateStore> {
    const latencyMs = options.latencyMs ?? 0;
    if (!Number.isFinite(latencyMs) || latencyMs < 0) {
      throw new RangeError(`latencyMs must be a finite number >= 0, got ${latencyMs}`);
    }
    const { dataDir } = options;
    if (dataDir === undefined) return new StateStore(latencyMs, undefined, undefined, 0);
    await mkdir(dataDir, { recursive: true });
    const path = join(dataDir, JOURNAL_FILE);
    const replayed = await replayJournal(path);
    if (replayed.tornBytes > 0) {
      options.log?.(`${path}: dropped a torn last line (${replayed.tornBytes} bytes), an append cut short before it was acknowledged.`);
    }
    await compactJournal(dataDir, replayed, options.log);
    const journal = await open(path, 'a');
    const store = new StateStore(latencyMs, journal, dataDir, (await journal.stat()).size);
    for (const [key, value] of replayed.values) store.values.set(key, value);
    for (const [key, applied] of replayed.appliedCalls) store.appliedCalls.set(key, applied);
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

  /** The call a write with idempotency key `key` answered, among the last REMEMBERED_CALLS. */
  appliedCall(key: string): AppliedCall | undefined {
    return this.appliedCalls.get(key);
  }

  /**
   * Sets every key of `changes` at once, and with `applied` remembers the call it answers under its key; resolves
   * only when the change is durable. Throws, having changed nothing, when the disk did not take it all.
   */
  async write(changes: ReadonlyMap<string, number>, applied?: KeyedCall): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    if (this.closed) throw new Error('The state store is closed; the server is shutting down.');
    if (this.failure) throw this.failure;
    const record: JournalRecord = {
      set: Object.fromEntries(changes),
      ...(applied === undefined ? {} : { applied: { [applied.key]: { call: applied.call, result: applied.result } } }),
    };
    const checked = journalRecordSchema.safeParse(record);
    if (!checked.success) throw new RangeError(`Refused to store ${describeIssue(record, checked.error.issues[0]!)}.`);
    if (applied !== undefined) {
      const earlier = this.appliedCalls.get(applied.key) ?? this.pendingCalls.get(applied.key);
      if (earlier !== undefined) throw keyReusedError(applied.key, earlier);
    }
    if (!this.journal) {
      this.apply(changes, applied);
      return;
    }
    if (applied !== undefined) this.pendingCalls.set(applied.key, applied);
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(record)}\n`, changes, applied, resolve, reject });
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

  private apply(changes: ReadonlyMap<string, number>, applied: KeyedCall | undefined): void {
    for (const [key, value] of changes) this.values.set(key, value);
    if (applied !== undefined) remember(this.appliedCalls, applied.key, { call: applied.call, result: applied.result });
  }

  private async flushPending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.pending.length);
      const failure = this.failure ?? (await this.append(Buffer.from(batch.map((write) => write.line).join(''))));
      for (const write of batch) {
        if (write.applied !== undefined) this.pendingCalls.delete(write.applied.key);
        if (failure) {
          write.reject(failure);
          continue;
        }
        this.apply(write.changes, write.applied);
        write.resolve();
      }
    }
    this.flushing = undefined;
  }

  /** Appends `bytes` durably; on failure cuts the journal back to what was acknowledged and says why. */
  private async append(bytes: Buffer): Promise<Error | undefined> {
    const journal = this.journal!;
    try {
      await writeAll(journal, bytes);
    } catch (cause) {
      try {
        // The part that did reach the disk would be replayed as a torn line, or (cut at a line's end) as a change
        // the caller was told failed: put the journal back as the last acknowledged append left it.
        await journal.truncate(this.journalBytes);
      } catch (truncateCause) {
        this.failure = storageFailure(truncateCause, this.dataDir);
        return this.failure;
      }
      return isStorageFull(cause) ? storageFull(cause, this.dataDir) : storageFailure(cause, this.dataDir);
    }
    try {
      await journal.datasync();
    } catch (cause) {
      // After a failed fsync nobody knows what reached the disk: acknowledge nothing more on top of it.
      this.failure = storageFailure(cause, this.dataDir);
      return this.failure;
    }
    this.journalBytes += bytes.length;
    return undefined;
  }
}

async function replayJournal(path: string): Promise<ReplayedJournal> {
  const values = new Map<string, number>();
  const appliedCalls = new Map<string, AppliedCall>();
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values, appliedCalls, recordBytes: 0, tornBytes: 0, missingNewline: false };
    throw error;
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const damaged = (lineNumber: number, what: string): Error =>
    new Error(`${path} line ${lineNumber}${what}; the journal is damaged. Restore it from a backup or move it away to start empty.`);
  let start = 0;
  for (let lineNumber = 1; start < bytes.length; lineNumber++) {
    const newline = bytes.indexOf(0x0a, start);
    const isLast = newline === -1;
    const end = isLast ? bytes.length : newline;
    const raw = bytes.subarray(start, end);
    if (raw.includes(0)) throw damaged(lineNumber, ' holds NUL bytes (zero-filled, as a disk leaves data it lost)');
    let text: string;
    try {
      text = decoder.decode(raw);
    } catch {
      throw damaged(lineNumber, ' is not valid UTF-8');
    }
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      // Only an append cut short can leave the start of a record without its end, and only on the last line.
      if (isLast && text.startsWith('{') && isCutShortJson(text)) return { values, appliedCalls, recordBytes: start, tornBytes: raw.length, missingNewline: false };
      throw damaged(lineNumber, isLast ? ' is neither a complete record nor the start of one' : ' is not valid JSON');
    }
    if (parsed !== undefined) {
      const record = journalRecordSchema.safeParse(parsed);
      if (!record.success) throw damaged(lineNumber, `: ${describeIssue(parsed, record.error.issues[0]!)}`);
      for (const [key, value] of Object.entries(record.data.set)) values.set(key, value);
      for (const [key, applied] of Object.entries(record.data.applied ?? {})) remember(appliedCalls, key, applied);
    }
    start = end + 1;
  }
  return { values, appliedCalls, recordBytes: bytes.length, tornBytes: 0, missingNewline: bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a };
}

/** Rewrites the journal as one line; when the disk has no room for that, only cuts off a torn tail and ends the last line. */
async function compactJournal(dataDir: string, replayed: ReplayedJournal, log: ((message: string) => void) | undefined): Promise<void> {
  const path = join(dataDir, JOURNAL_FILE);
  const temporaryPath = `${path}.tmp`;
  try {
    await writeCompactJournal(dataDir, temporaryPath, replayed);
    return;
  } catch (error) {
    await unlink(temporaryPath).catch(() => undefined);
    if (!isStorageFull(error)) throw error;
  }
  const journal = await open(path, 'r+');
  try {
    if (replayed.tornBytes > 0) await journal.truncate(replayed.recordBytes);
    if (replayed.missingNewline) await writeAll(journal, Buffer.from('\n'), replayed.recordBytes);
    await journal.sync();
  } catch (error) {
    throw isStorageFull(error) ? storageFull(error, dataDir) : error;
  } finally {
    await journal.close();
  }
  log?.(`${path}: not compacted, the disk has no room for the compacted copy; the journal is used as it is.`);
}

async function writeCompactJournal(dataDir: string, temporaryPath: string, replayed: ReplayedJournal): Promise<void> {
  const temporary = await open(temporaryPath, 'w');
  try {
    if (replayed.values.size > 0 || replayed.appliedCalls.size > 0) {
      const record: JournalRecord = {
        set: Object.fromEntries(replayed.values),
        ...(replayed.appliedCalls.size > 0 ? { applied: Object.fromEntries(replayed.appliedCalls) } : {}),
      };
      await writeAll(temporary, Buffer.from(`${JSON.stringify(record)}\n`));
    }
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

/** Writes every byte (a write may take fewer than asked, e.g. at the end of a disk); throws when the disk refuses the rest. */
async function writeAll(file: FileHandle, bytes: Buffer, position?: number): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset, position === undefined ? null : position + offset);
    if (bytesWritten === 0) throw Object.assign(new Error('no space left on device, write took 0 bytes'), { code: 'ENOSPC' });
    offset += bytesWritten;
  }
}

function remember(calls: Map<string, AppliedCall>, key: string, applied: AppliedCall): void {
  calls.delete(key);
  calls.set(key, applied);
  if (calls.size > REMEMBERED_CALLS) calls.delete(calls.keys().next().value!);
}

function isStorageFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

function storageFull(cause: unknown, dataDir: string | undefined): Error {
  return new Error(
    `Storage full: the change was not saved and nothing changed (${(cause as NodeJS.ErrnoException).code} on the disk of ${dataDir}). Free some space there, then retry the call.`,
  );
}

function storageFailure(cause: unknown, dataDir: string | undefined): Error {
  return new Error(`Storage failed (${(cause as Error).message} in ${dataDir}); restart the server to recover from the journal.`);
}

/** `set["account/alice"] must be ..., got "10000"`: where in `record` the issue is, what is wrong, and what was there. */
function describeIssue(record: unknown, issue: z.core.$ZodIssue): string {
  const where = issue.path
    .map((part, index) => (typeof part === 'string' && /^[A-Za-z_]\w*$/.test(part) ? `${index === 0 ? '' : '.'}${part}` : `[${JSON.stringify(part)}]`))
    .join('');
  let found: unknown = record;
  for (const part of issue.path) found = (found as Record<PropertyKey, unknown> | null | undefined)?.[part as PropertyKey];
  const got = found === undefined ? '' : `, got ${JSON.stringify(found)?.slice(0, 80)}`;
  return `${where}${where === '' ? '' : ' '}${issue.message}${got}`;
}
