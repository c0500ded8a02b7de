import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClientType } from 'redis';
import {
  checkDuration,
  checkLockCall,
  currentLockFrame,
  DEFAULT_LONG_HOLD_MS,
  DEFAULT_MAX_ORDER_PAIRS,
  DEFAULT_TIMEOUT_MS,
  DeadlockError,
  describeAbortReason,
  describeValue,
  LockAbortedError,
  LockBackendError,
  LockEventPublisher,
  LockLeaseLostError,
  LockOrderRecorder,
  LockReentrantError,
  LockTimeoutError,
  LongHoldWatchdog,
  nowMs,
  rethrowLockFailure,
  runInLockFrame,
  sortedLockIds,
  type LockCallOptions,
  type LockFailure,
  type LockListener,
  type LockMode,
  type LockParty,
  type LockSnapshot,
  type ResourceSnapshot,
  type WaitForEdge,
} from 'mcp-lock-inspector/locks';
import { CommandDeadlines } from './commandDeadlines';
import { connectFailFast } from './failFastClients';
import { LeaseKeeper, type Lease } from './leaseKeeper';
import { ACQUIRE_SCRIPT, FENCED_WRITE_SCRIPT, LEAVE_SCRIPT, RENEW_SCRIPT } from './lockScripts';
import { LuaScript } from './luaScript';
import { currentRedisGrant, RedisLockRequest, type RedisHold, type RedisLockGrant } from './redisLockRequest';
import { readRedisLockState } from './readRedisLockState';
import { parseRecords, partyOfRecord, type PartyRecord } from './partyRecord';

/** Default lease of every hold and wait, in milliseconds: renewed every third of it while the work runs. */
export const DEFAULT_LEASE_MS = 10_000;
/** Default of how long a Redis command may go unanswered before its call fails with E_LOCK_BACKEND (a hung or paused Redis). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
/** Default prefix of every Redis key the lock map uses. */
export const DEFAULT_KEY_PREFIX = 'mcp-lock:';

/** Options of `RedisLockMap.connect`. */
export interface RedisLockMapOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (the default). One Redis server: Cluster is not supported. */
  readonly url?: string;
  /** Names this process in snapshots, errors and the inspector (default `host:pid`). */
  readonly replica?: string;
  /** How long a call may wait for its locks before E_LOCK_TIMEOUT (default 5000; `Infinity` waits forever; 0 never waits). */
  readonly timeoutMs?: number;
  /** Lease of each hold and wait (default 10000): a replica that stops renewing loses its locks this long after. */
  readonly leaseMs?: number;
  /** Prefix of every key and channel (default `mcp-lock:`); maps with the same prefix share their locks. */
  readonly keyPrefix?: string;
  /** A hold longer than this emits one `longHold` event (default 1000; `Infinity` turns it off), as in `ResourceLockMap`. */
  readonly longHoldMs?: number;
  /** Most ordered resource pairs remembered for `inversion` events (default 4096), as in `ResourceLockMap`. */
  readonly maxOrderPairs?: number;
  /** How long a Redis command may go unanswered before its call fails with E_LOCK_BACKEND (default 5000). */
  readonly commandTimeoutMs?: number;
}

/** The locked work: it may read its fencing tokens and lease signal from the grant. */
export type RedisLockedWork<T> = (grant: RedisLockGrant) => T | PromiseLike<T>;

/** A lease of one request on one resource, as the keeper tracks it. */
interface RequestLease extends Lease {
  readonly request: RedisLockRequest;
  readonly resource: string;
}

/** What this replica knows of one resource: its own holders and waiters, in order. */
interface LocalResource {
  readonly holders: Set<RedisLockRequest>;
  readonly waiters: Set<RedisLockRequest>;
}

type NodeRedisClient = RedisClientType;

const acquireScript = new LuaScript(ACQUIRE_SCRIPT);
const leaveScript = new LuaScript(LEAVE_SCRIPT);
const renewScript = new LuaScript(RENEW_SCRIPT);
const fencedWriteScript = new LuaScript(FENCED_WRITE_SCRIPT);

/**
 * Per-resource locks shared by every process connected to one Redis, with the API, errors and events of
 * `ResourceLockMap`: each grant is atomic in Lua, carries a fencing token and holds a lease renewed while the work
 * runs; waiters queue first come first served across replicas and are woken by pub/sub, never by polling; a
 * replica that dies frees its locks when its leases run out (announced by Redis keyspace events).
 */
export class RedisLockMap {
  private readonly events = new LockEventPublisher();
  private readonly local = new Map<string, LocalResource>();
  /** Requests of this map queued in Redis, by request id: a grant names them. */
  private readonly waiting = new Map<string, RedisLockRequest>();
  private readonly leases: LeaseKeeper<RequestLease>;
  private readonly replicaId = randomBytes(6).toString('hex');
  private lastRequestSeq = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private lastBackendError: string | undefined;
  private readonly unanswered: CommandDeadlines;
  /** Absent when long holds are not reported (`longHoldMs: Infinity`). */
  private readonly longHoldWatchdog: LongHoldWatchdog<RedisHold> | undefined;
  private readonly lockOrder: LockOrderRecorder;

  private constructor(
    private readonly commands: NodeRedisClient,
    private readonly subscriber: NodeRedisClient,
    /** This process's name in snapshots, errors and cycles. */
    readonly replica: string,
    private readonly timeoutMs: number,
    /** Lease of each hold and wait, in milliseconds. */
    readonly leaseMs: number,
    private readonly prefix: string,
    longHoldMs: number,
    maxOrderPairs: number,
    commandTimeoutMs: number,
  ) {
    this.unanswered = new CommandDeadlines(commandTimeoutMs);
    this.longHoldWatchdog =
      longHoldMs === Infinity
        ? undefined
        : new LongHoldWatchdog<RedisHold>({
            thresholdMs: longHoldMs,
            resourceOf: (hold) => hold.resource,
            waitsForLock: (hold) => [...this.waiting.values()].some((waiter) => waiter.chain === hold.request.chain),
            onLongHold: (hold, heldMs, _atMs, slowCall) => this.emitOn(hold.request, 'longHold', hold.resource, { heldMs, thresholdMs: longHoldMs, ...(slowCall === undefined ? {} : { slowCall }) }),
          });
    this.lockOrder = new LockOrderRecorder(maxOrderPairs, this.events);
    this.leases = new LeaseKeeper<RequestLease>(
      leaseMs,
      async (keys) => ((await this.script(renewScript, keys, [String(leaseMs)])) as string[]).map(Number),
      (lease) => this.onLeaseLost(lease),
    );
  }

  /** Connects to Redis (two connections: commands, and pub/sub for grants and lease expiry) and returns the map. */
  static async connect(options: RedisLockMapOptions = {}): Promise<RedisLockMap> {
    const { url = 'redis://127.0.0.1:6379', replica = `${hostname()}:${process.pid}`, timeoutMs = DEFAULT_TIMEOUT_MS, leaseMs = DEFAULT_LEASE_MS, keyPrefix = DEFAULT_KEY_PREFIX, longHoldMs = DEFAULT_LONG_HOLD_MS, maxOrderPairs = DEFAULT_MAX_ORDER_PAIRS, commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS } = options;
    checkDuration('timeoutMs', timeoutMs);
    checkDuration('longHoldMs', longHoldMs);
    if (!Number.isInteger(maxOrderPairs) || maxOrderPairs < 0) throw new RangeError(`maxOrderPairs must be a non-negative integer, got ${describeValue(maxOrderPairs)}.`);
    if (!Number.isFinite(checkDuration('leaseMs', leaseMs)) || leaseMs < 30) {
      throw new RangeError(`leaseMs must be a finite number of milliseconds of at least 30, got ${describeValue(leaseMs)}.`);
    }
    if (!Number.isFinite(checkDuration('commandTimeoutMs', commandTimeoutMs)) || commandTimeoutMs === 0) {
      throw new RangeError(`commandTimeoutMs must be a finite number of milliseconds above 0, got ${describeValue(commandTimeoutMs)}.`);
    }
    if (typeof replica !== 'string' || replica.length === 0) throw new TypeError(`replica must be a non-empty string, got ${describeValue(replica)}.`);
    // Commands fail at once while Redis is unreachable (E_LOCK_BACKEND); `unanswered` times out those Redis leaves hanging.
    let map: RedisLockMap | undefined;
    const onError = (error: Error): void => {
      if (map !== undefined) map.lastBackendError = error.message;
    };
    const [commands, subscriber] = await connectFailFast(url, 2, { backoff: { baseMs: 50, maxMs: 1000 }, nodeRedisTimeouts: false, onError });
    map = new RedisLockMap(commands, subscriber, replica, timeoutMs, leaseMs, keyPrefix, longHoldMs, maxOrderPairs, commandTimeoutMs);
    await map.listen();
    // After Redis restarts the keyspace-event setting is gone: set it again whenever the subscriber is back.
    subscriber.on('ready', () => void map.enableExpiryEvents().catch(() => {}));
    return map;
  }

  /** Number of busy resources this replica holds or waits for. */
  get size(): number {
    return this.local.size;
  }

  /** Runs `fn` while holding `resource` on every replica, and releases it however `fn` ends. */
  withLock<T>(resource: string, fn: RedisLockedWork<T>, options?: LockCallOptions): Promise<Awaited<T>> {
    if (typeof resource !== 'string') {
      return Promise.reject(new TypeError(`withLock needs a resource id string, got ${describeValue(resource)}.`));
    }
    return this.start([resource], fn, options, RedisLockMap.prototype.withLock);
  }

  /** Runs `fn` while holding every resource of `resources`, taken in one global (sorted) order, all or nothing within one timeout. */
  withLocks<T>(resources: Iterable<string>, fn: RedisLockedWork<T>, options?: LockCallOptions): Promise<Awaited<T>> {
    let ids: string[];
    try {
      ids = sortedLockIds(resources);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.start(ids, fn, options, RedisLockMap.prototype.withLocks);
  }

  /** This replica's busy resources now: its own holders and waiters, in queue order, read without a round trip. */
  snapshot(): LockSnapshot {
    const resources: ResourceSnapshot[] = [];
    for (const [id, entry] of this.local) {
      resources.push({
        id,
        holders: [...entry.holders].map((request) => partyOf(request, request.holds.get(id)?.sinceMs ?? 0)),
        waiters: [...entry.waiters].map((request) => partyOf(request, request.waitSinceMs)),
      });
    }
    return { atMs: nowMs(), resources };
  }

  /** Every replica's holders and waiters, read from Redis in one script call; parties of other replicas name it. */
  snapshotAll(): Promise<LockSnapshot> {
    return this.track(readRedisLockState(this.commands, this.prefix, this.replicaId));
  }

  /**
   * Sets the Redis string keys of `values` in one atomic step, only while each fencing token of `fences`
   * (resource -> token) is a live hold on its resource: a holder whose lease ran out (paused, cut off) has its
   * write refused instead of overwriting the newer holder's. Resolves true when written, false when refused.
   */
  async fencedWrite(fences: Readonly<Record<string, number>>, values: Readonly<Record<string, string>>): Promise<boolean> {
    const fencePairs = Object.entries(fences).flatMap(([resource, token]) => [resource, String(token)]);
    const valuePairs = Object.entries(values).flat();
    return (await this.script(fencedWriteScript, [], [String(fencePairs.length / 2), ...fencePairs, ...valuePairs])) === 1;
  }

  /** Runs `GET` for each key (missing ones are undefined), on the map's connection. */
  async read(keys: readonly string[]): Promise<(string | undefined)[]> {
    if (keys.length === 0) return [];
    const values = (await this.track(this.commands.sendCommand(['MGET', ...keys]))) as (string | null)[];
    return values.map((value) => value ?? undefined);
  }

  /** Calls `listener` with every event of this replica from now on; returns the function that stops it. */
  subscribe(listener: LockListener): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(`subscribe needs a function (event) => void, got ${describeValue(listener)}.`);
    }
    return this.events.subscribe(listener);
  }

  /** How many Redis commands of this map are in flight now. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Resolves once no Redis command of this map is in flight (for tests and graceful shutdown). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Closes both connections; holds still running lose their leases when they run out. */
  async close(): Promise<void> {
    await this.idle();
    this.commands.destroy();
    this.subscriber.destroy();
  }

  private async listen(): Promise<void> {
    await this.subscriber.subscribe(`${this.prefix}g:${this.replicaId}`, (message) => {
      const [id, token, ...resource] = message.split(' ');
      this.onGranted(id!, Number(token), resource.join(' '));
    });
    await this.enableExpiryEvents();
    await this.subscriber.pSubscribe('__keyevent@*__:expired', (key) => this.onLeaseExpired(key));
  }

  /** Asks Redis to announce expired keys (`notify-keyspace-events` E and x), keeping whatever else is on. */
  private async enableExpiryEvents(): Promise<void> {
    const current = (await this.track(this.commands.configGet('notify-keyspace-events')))['notify-keyspace-events'] ?? '';
    if (current.includes('E') && (current.includes('x') || current.includes('A'))) return;
    await this.track(this.commands.configSet('notify-keyspace-events', `${current}Ex`.replace(/(.)(?=.*\1)/g, '')));
  }

  private start<T>(ids: readonly string[], fn: RedisLockedWork<T>, options: LockCallOptions | undefined, api: (...args: never[]) => unknown): Promise<Awaited<T>> {
    let checked: { mode: LockMode; timeoutMs: number };
    try {
      checked = checkLockCall(fn, options, this.timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    const { mode, timeoutMs } = checked;
    const request = new RedisLockRequest(
      `${this.replicaId}.${++this.lastRequestSeq}`,
      currentLockFrame(),
      options,
      mode,
      ids,
      timeoutMs,
    );
    if (this.events.listening && (ids.length > 1 || request.parent !== undefined)) this.lockOrder.record(request, api);
    return this.acquireAll(request).then(() => this.run(request, fn), rethrowLockFailure);
  }

  /** Takes the request's resources in order, waiting in each queue as needed; on any failure releases what it took. */
  private async acquireAll(request: RedisLockRequest): Promise<void> {
    try {
      for (; request.nextIndex < request.resources.length; request.nextIndex++) await this.acquire(request, request.resources[request.nextIndex]!);
    } catch (error) {
      this.release(request);
      throw error;
    }
  }

  private async acquire(request: RedisLockRequest, id: string): Promise<void> {
    const localEntry = this.local.get(id);
    if (this.events.listening) this.events.emit({ type: 'requested', atMs: nowMs(), chainId: request.chain.id, owner: request.owner, resource: id, mode: request.mode, queueDepth: localEntry?.waiters.size ?? 0 });
    const abortedSignal = request.signals?.find((signal) => signal.aborted);
    if (abortedSignal !== undefined) {
      const reason = describeAbortReason(abortedSignal.reason);
      this.emitOn(request, 'aborted', id, { waitedMs: 0, reason });
      throw new LockAbortedError(this.failure(request, id, 0), reason);
    }
    if (holdsInEnclosingCall(request, id)) {
      this.emitOn(request, 'reentrant', id, {});
      throw new LockReentrantError(this.failure(request, id, 0));
    }
    const askedMs = nowMs();
    request.waitSinceMs = askedMs;
    request.waitingFor = id;
    request.asking = true;
    this.waiting.set(request.id, request);
    let reply: string[];
    try {
      reply = (await this.script(acquireScript, [], [id, request.id, JSON.stringify(this.recordOf(request)), request.timeoutMs === 0 ? '0' : '1', String(askedMs), chainHoldsAny(request) ? '1' : '0'])) as string[];
    } catch (error) {
      this.stopWaiting(request);
      throw new LockBackendError(this.failure(request, id, 0), this.backendProblem(error));
    } finally {
      request.asking = false;
    }
    const [outcome, detail] = reply as [string, string];
    if (outcome === 'granted') {
      this.stopWaiting(request);
      this.hold(request, id, Number(detail), 0);
      return;
    }
    if (outcome === 'deadlock') {
      this.stopWaiting(request);
      const cycle = JSON.parse(detail) as WaitForEdge[];
      this.emitOn(request, 'deadlock', id, { cycle });
      throw new DeadlockError(this.failure(request, id, 0), cycle);
    }
    request.lastHolders = parseRecords(detail).map((record) => partyOfRecord(record, this.replicaId));
    if (outcome === 'busy') {
      this.stopWaiting(request);
      const error = new LockTimeoutError(this.failure(request, id, 0));
      this.emitOn(request, 'timeout', id, { waitedMs: 0, holders: error.holders });
      throw error;
    }
    await this.wait(request, id);
  }

  /** Waits in the Redis queue of `id` until a grant arrives, the call's timeout passes or its signal aborts. */
  private wait(request: RedisLockRequest, id: string): Promise<void> {
    request.firstWaitMs ??= request.waitSinceMs;
    this.localEntry(id).waiters.add(request);
    this.leases.add({ key: this.leaseKey(request.id, id), request, resource: id, validUntilMs: 0 });
    return new Promise<void>((resolve, reject) => {
      request.resolveWait = (token) => {
        this.hold(request, id, token, nowMs() - request.waitSinceMs);
        resolve();
      };
      request.rejectWait = reject;
      if (request.earlyGrant !== undefined) {
        this.grantWaiter(request, request.earlyGrant);
        return;
      }
      const aborted = request.signals?.find((signal) => signal.aborted);
      if (aborted !== undefined) {
        this.onAbort(request);
        return;
      }
      const remainingMs = request.timeoutMs - (nowMs() - request.firstWaitMs!);
      if (request.timeoutMs !== Infinity) request.timeoutTimer = setTimeout(() => this.onTimeout(request), Math.max(0, remainingMs));
      for (const signal of request.signals ?? []) signal.addEventListener('abort', request.onAbort ??= () => this.onAbort(request), { once: true });
    });
  }

  private onGranted(requestId: string, token: number, resource: string): void {
    const request = this.waiting.get(requestId);
    if (request === undefined || request.waitingFor !== resource) return;
    if (request.asking) {
      request.earlyGrant = token;
      return;
    }
    this.grantWaiter(request, token);
  }

  private grantWaiter(request: RedisLockRequest, token: number): void {
    const resolve = request.resolveWait;
    this.stopWaiting(request);
    resolve?.(token);
  }

  private onTimeout(request: RedisLockRequest): void {
    request.timeoutTimer = undefined;
    const id = request.waitingFor;
    if (id === undefined) return;
    const waitedMs = nowMs() - request.firstWaitMs!;
    const error = new LockTimeoutError(this.failure(request, id, waitedMs));
    this.emitOn(request, 'timeout', id, { waitedMs: nowMs() - request.waitSinceMs, holders: error.holders });
    void this.giveUp(request, id, error);
  }

  private onAbort(request: RedisLockRequest): void {
    const id = request.waitingFor;
    const signal = request.signals?.find((candidate) => candidate.aborted);
    if (id === undefined || signal === undefined) return;
    const reason = describeAbortReason(signal.reason);
    this.emitOn(request, 'aborted', id, { waitedMs: nowMs() - request.waitSinceMs, reason });
    void this.giveUp(request, id, new LockAbortedError(this.failure(request, id, nowMs() - request.firstWaitMs!), reason));
  }

  /** Leaves the queue of `id` in Redis (releasing it if a grant crossed the give-up), then fails the wait. */
  private async giveUp(request: RedisLockRequest, id: string, error: Error): Promise<void> {
    const reject = request.rejectWait;
    this.stopWaiting(request);
    await this.leave(id, request.id).catch(() => undefined);
    reject?.(error);
  }

  /** Forgets that the request waits: its queue place locally, its timer, abort listeners and wait lease. */
  private stopWaiting(request: RedisLockRequest): void {
    const id = request.waitingFor;
    if (id === undefined) return;
    request.waitingFor = undefined;
    request.resolveWait = undefined;
    request.rejectWait = undefined;
    request.earlyGrant = undefined;
    this.waiting.delete(request.id);
    if (request.timeoutTimer !== undefined) {
      clearTimeout(request.timeoutTimer);
      request.timeoutTimer = undefined;
    }
    if (request.onAbort !== undefined) for (const signal of request.signals ?? []) signal.removeEventListener('abort', request.onAbort);
    this.leases.remove(this.leaseKey(request.id, id));
    const entry = this.local.get(id);
    if (entry === undefined) return;
    entry.waiters.delete(request);
    this.dropIfIdle(id, entry);
  }

  private hold(request: RedisLockRequest, id: string, token: number, waitedMs: number): void {
    const hold: RedisHold = { request, resource: id, token, sinceMs: nowMs(), olderWatched: undefined, newerWatched: undefined, watched: false };
    request.holds.set(id, hold);
    this.localEntry(id).holders.add(request);
    this.leases.add({ key: this.leaseKey(request.id, id), request, resource: id, validUntilMs: 0 });
    if (!this.events.listening) return;
    this.emitOn(request, 'acquired', id, { waitedMs });
    this.longHoldWatchdog?.watch(hold);
  }

  private async run<T>(request: RedisLockRequest, fn: RedisLockedWork<T>): Promise<Awaited<T>> {
    let value: Awaited<T>;
    try {
      value = await runInLockFrame(request, () => fn(request));
    } catch (error) {
      this.release(request);
      throw error;
    }
    this.release(request);
    if (request.leaseLostError !== undefined) throw request.leaseLostError;
    return value;
  }

  /**
   * Lets go of everything the request holds, newest first, and hands each resource to its next waiter. The leave
   * scripts are sent, not awaited: Redis runs this connection's commands in order, so this replica's next call already
   * finds them released, and a call's latency is one round trip (`idle()` and `close()` wait for them to be answered).
   */
  private release(request: RedisLockRequest): void {
    const held = [...request.holds].reverse();
    request.holds.clear();
    for (const [id, hold] of held) {
      this.leases.remove(this.leaseKey(request.id, id));
      const entry = this.local.get(id);
      entry?.holders.delete(request);
      if (entry !== undefined) this.dropIfIdle(id, entry);
      if (hold.watched) this.longHoldWatchdog?.unwatch(hold);
      this.emitOn(request, 'released', id, { heldMs: nowMs() - hold.sinceMs });
    }
    // Unreachable Redis: the leases run out on their own and free the resources then.
    for (const [id] of held) void this.leave(id, request.id).catch(() => undefined);
  }

  /** Runs the leave script and serves this replica's waiters it granted without waiting for their pub/sub message. */
  private async leave(id: string, requestId: string): Promise<void> {
    const [, ...granted] = (await this.script(leaveScript, [], [id, requestId, String(nowMs())])) as string[];
    for (let index = 0; index + 1 < granted.length; index += 2) this.onGranted(granted[index]!, Number(granted[index + 1]), id);
  }

  private onLeaseLost({ request, resource }: RequestLease): void {
    const hold = request.holds.get(resource);
    const failure = this.failure(request, resource, 0);
    if (hold === undefined) {
      // A wait whose lease lapsed has lost its place in the queue.
      if (request.waitingFor === resource) void this.giveUp(request, resource, new LockLeaseLostError(failure, this.leaseMs));
      return;
    }
    this.emitOn(request, 'leaseLost', resource, { heldMs: nowMs() - hold.sinceMs, leaseMs: this.leaseMs, fencingToken: hold.token });
    request.loseLease(new LockLeaseLostError(failure, this.leaseMs));
  }

  /** A lease key expired in Redis (its replica died or stalled): if this replica waits there, serve that queue now. */
  private onLeaseExpired(key: string): void {
    const leasePrefix = `${this.prefix}l:`;
    if (!key.startsWith(leasePrefix)) return;
    const separator = key.indexOf(':', leasePrefix.length);
    const id = key.slice(separator + 1);
    if (separator === -1 || (this.local.get(id)?.waiters.size ?? 0) === 0) return;
    void this.leave(id, key.slice(leasePrefix.length, separator)).catch(() => undefined);
  }

  private recordOf(request: RedisLockRequest): PartyRecord {
    return { chain: `${this.replicaId}.${request.chain.id}`, chainId: request.chain.id, owner: { ...request.owner, replica: this.replica }, mode: request.mode, replicaId: this.replicaId, leaseMs: this.leaseMs, sinceMs: request.waitSinceMs };
  }

  private failure(request: RedisLockRequest, resource: string, waitedMs: number): LockFailure {
    const atMs = nowMs();
    const localHolders = [...(this.local.get(resource)?.holders ?? [])].filter((holder) => holder !== request);
    return {
      resource,
      resources: request.resources,
      mode: request.mode,
      chainId: request.chain.id,
      owner: request.owner,
      waitedMs,
      holders: localHolders.length !== 0 ? localHolders.map((holder) => partyOf(holder, holder.holds.get(resource)?.sinceMs ?? atMs)) : request.lastHolders,
      atMs,
    };
  }

  private emitOn(request: RedisLockRequest, type: 'acquired' | 'released' | 'timeout' | 'aborted' | 'deadlock' | 'reentrant' | 'leaseLost' | 'longHold', resource: string, fields: object): void {
    if (!this.events.listening) return;
    this.events.emit({ type, atMs: nowMs(), chainId: request.chain.id, owner: request.owner, resource, mode: request.mode, ...fields } as Parameters<LockEventPublisher['emit']>[0]);
  }

  private localEntry(id: string): LocalResource {
    let entry = this.local.get(id);
    if (entry === undefined) this.local.set(id, (entry = { holders: new Set(), waiters: new Set() }));
    return entry;
  }

  private dropIfIdle(id: string, entry: LocalResource): void {
    if (entry.holders.size === 0 && entry.waiters.size === 0 && this.local.get(id) === entry) this.local.delete(id);
  }

  private leaseKey(requestId: string, resource: string): string {
    return `${this.prefix}l:${requestId}:${resource}`;
  }

  private script(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    return this.track(script.run(this.commands, keys, [this.prefix, ...args]));
  }

  private async track<T>(pending: Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await this.unanswered.within(pending);
    } finally {
      // After the reply's own continuations (a queued waiter registering), not before them.
      if (--this.inFlight === 0 && this.idleWaiters.length !== 0) setImmediate(() => this.wakeIdleWaiters());
    }
  }

  private wakeIdleWaiters(): void {
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private backendProblem(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return this.lastBackendError !== undefined && this.lastBackendError !== message ? `${message} (last connection error: ${this.lastBackendError})` : message;
  }
}

/** The grant of the innermost enclosing Redis lock call (the one holding `resource`, when given), if any. */
export function currentLockGrant(resource?: string): RedisLockGrant | undefined {
  return currentRedisGrant(currentLockFrame(), resource);
}

function partyOf(request: RedisLockRequest, sinceMs: number): LockParty {
  return { chainId: request.chain.id, owner: request.owner, mode: request.mode, sinceMs };
}

/** Whether an enclosing call of the same chain holds `id`: waiting for it would wait for itself. */
function holdsInEnclosingCall(request: RedisLockRequest, id: string): boolean {
  return currentRedisGrant(request.parent, id) !== undefined;
}

/** Whether the chain holds anything here (this call's earlier resources, or an enclosing call's): only then can waiting close a cycle. */
function chainHoldsAny(request: RedisLockRequest): boolean {
  if (request.holds.size !== 0) return true;
  for (let frame = request.parent; frame !== undefined; frame = frame.parent) {
    if (frame instanceof RedisLockRequest && frame.holds.size !== 0) return true;
  }
  return false;
}

