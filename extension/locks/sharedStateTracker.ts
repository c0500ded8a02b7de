import { callSiteLocation, captureCallSite, type CapturedCallSite } from './callSite';
import { currentLockFrame, type LockChain, type LockFrame } from './lockContext';
import { LockRequest } from './lockRequest';
import { nowMs } from './nowMs';
import type { LockOwner, LostUpdateEvent, SharedStateKind } from '../contract/lockEvents';
import { MAX_SHARED_WRITE_KEYS, type SharedWrites } from '../contract/wireFormat';

/** Receives every lost-update event, synchronously. */
export type LostUpdateListener = (event: LostUpdateEvent) => void;

/** One access of one call chain, captured when it happened; the call site is formatted only if it is reported. */
export interface SharedStateAccessRecord {
  readonly chain: LockChain;
  readonly frame: LockFrame;
  readonly atMs: number;
  readonly site: CapturedCallSite;
}

interface WriteRecord extends SharedStateAccessRecord {
  readonly owner: LockOwner | undefined;
}

interface ReadRecord {
  readonly access: SharedStateAccessRecord;
  /** The key's latest write when this chain read it (or wrote it itself): a different one at write time is an interleaved write. */
  seenWrite: WriteRecord | undefined;
}

/** What one call chain wrote so far: every write counted, the first few distinct keys kept. */
interface WriteTally {
  count: number;
  readonly keys: string[];
}

// Past this many keys written, the least recently written are forgotten (their next stale write goes unreported).
const MAX_TRACKED_KEYS = 10_000;
// Longer keys a chain's write tally names are cut, so one odd key cannot make its call's end event too long to accept.
const MAX_NAMED_KEY_LENGTH = 256;

/**
 * Remembers, per key, the latest write and, per call chain, what each chain read, and reports a lost update when a
 * chain writes a key someone else wrote since that chain read it. Only calls inside a lock context (every tool
 * call of an instrumented server) are tracked; nothing is recorded while nobody listens.
 */
export class SharedStateTracker {
  private listeners: readonly LostUpdateListener[] = [];
  private readonly latestWrites = new Map<string, WriteRecord>();
  private readonly readsByChain = new WeakMap<LockChain, Map<string, ReadRecord>>();
  private readonly writesByChain = new WeakMap<LockChain, WriteTally>();
  private lastSeq = 0;

  /** Whether anyone listens; accessors skip all work when not. */
  get listening(): boolean {
    return this.listeners.length !== 0;
  }

  /** Calls `listener` with every lost update from now on; returns the function that stops it. */
  subscribe(listener: LostUpdateListener): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a function (event) => void.');
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((known) => known !== listener);
    };
  }

  /**
   * The running call chain's access, captured now, with the caller of `api` as its site; undefined when nobody
   * listens or no lock context (tool call) encloses the caller.
   */
  capture(api: (...args: never[]) => unknown): SharedStateAccessRecord | undefined {
    if (this.listeners.length === 0) return undefined;
    const frame = currentLockFrame();
    if (frame === undefined) return undefined;
    return { chain: frame.chain, frame, atMs: nowMs(), site: captureCallSite(api) };
  }

  /** `access` read `key`: from now on a write by someone else makes this chain's next write of `key` stale. */
  read(key: string, access: SharedStateAccessRecord | undefined): void {
    if (access === undefined) return;
    let reads = this.readsByChain.get(access.chain);
    if (reads === undefined) {
      reads = new Map();
      this.readsByChain.set(access.chain, reads);
    }
    reads.set(key, { access, seenWrite: this.latestWrites.get(key) });
  }

  /** The tracked writes `chain` made so far (how many, and the first few distinct keys); undefined when it made none. */
  writesOf(chain: LockChain): SharedWrites | undefined {
    const tally = this.writesByChain.get(chain);
    return tally === undefined ? undefined : { count: tally.count, keys: [...tally.keys] };
  }

  /** `access` wrote `key`; reports a lost update when another chain wrote it since this chain read it. */
  write(key: string, kind: SharedStateKind, access: SharedStateAccessRecord | undefined): void {
    if (access === undefined) return;
    this.countWrite(access.chain, key);
    const write: WriteRecord = { ...access, owner: access.frame.owner };
    const latest = this.latestWrites.get(key);
    const read = this.readsByChain.get(access.chain)?.get(key);
    if (read !== undefined && latest !== undefined && latest !== read.seenWrite && latest.chain !== access.chain && !holdsLock(access.frame)) {
      this.dispatch(lostUpdate(++this.lastSeq, key, kind, read.access, latest, write));
    }
    if (read !== undefined) read.seenWrite = write;
    // Re-inserted so the map's order is least recently written first.
    this.latestWrites.delete(key);
    this.latestWrites.set(key, write);
    if (this.latestWrites.size > MAX_TRACKED_KEYS) this.latestWrites.delete(this.latestWrites.keys().next().value as string);
  }

  private countWrite(chain: LockChain, key: string): void {
    let tally = this.writesByChain.get(chain);
    if (tally === undefined) {
      tally = { count: 0, keys: [] };
      this.writesByChain.set(chain, tally);
    }
    tally.count++;
    if (tally.keys.length === MAX_SHARED_WRITE_KEYS) return;
    const named = key.length > MAX_NAMED_KEY_LENGTH ? `${key.slice(0, MAX_NAMED_KEY_LENGTH - 1)}…` : key;
    if (!tally.keys.includes(named)) tally.keys.push(named);
  }

  private dispatch(event: LostUpdateEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener must not turn the user's write into an error; the others still hear of it.
      }
    }
  }
}

/** The process's one tracker: files, tracked maps and objects all report here, whichever copy of the SDK a server loads. */
export const sharedStateTracker = new SharedStateTracker();

/** Whether the frame runs inside a `withLock`/`withLocks` function, where another call cannot interleave by construction. */
function holdsLock(frame: LockFrame): boolean {
  for (let current: LockFrame | undefined = frame; current !== undefined; current = current.parent) {
    if (current instanceof LockRequest) return true;
  }
  return false;
}

function lostUpdate(
  seq: number,
  key: string,
  keyKind: SharedStateKind,
  read: SharedStateAccessRecord,
  overwritten: WriteRecord,
  staleWrite: WriteRecord,
): LostUpdateEvent {
  return {
    type: 'lostUpdate',
    seq,
    atMs: staleWrite.atMs,
    chainId: staleWrite.chain.id,
    ...(staleWrite.owner === undefined ? {} : { owner: staleWrite.owner }),
    key,
    keyKind,
    read: accessOf(read),
    overwritten: { ...accessOf(overwritten), chainId: overwritten.chain.id, ...(overwritten.owner === undefined ? {} : { owner: overwritten.owner }) },
    staleWrite: accessOf(staleWrite),
  };
}

function accessOf(record: SharedStateAccessRecord): { atMs: number; location?: string } {
  const location = callSiteLocation(record.site);
  return location === undefined ? { atMs: record.atMs } : { atMs: record.atMs, location };
}
