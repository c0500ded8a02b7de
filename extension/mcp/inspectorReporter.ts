import { writeSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { sharedStateTracker } from 'mcp-lock-inspector/locks';
import type { LockEvent, LockSnapshot } from '../contract/lockEvents';
import {
  CHANNEL_ENV,
  MAX_LINE_BYTES,
  WIRE_VERSION,
  type CallEndedEvent,
  type CallStartedEvent,
  type EventsMessage,
  type HelloMessage,
  type HubToServerMessage,
  type InspectorEvent,
  type SnapshotMessage,
} from '../contract/wireFormat';
import { BoundedLineSplitter } from '../contract/boundedLineSplitter';

/** The part of a ResourceLockMap the reporter reads: its snapshot and its event stream. */
export interface LockEventSource {
  snapshot(): LockSnapshot;
  subscribe(listener: (event: LockEvent) => void): () => void;
  /** The replica it is, when its locks live in Redis (RedisLockMap): the hello says so, and the views merge replicas. */
  readonly replica?: string;
  /** Its Redis lease, in milliseconds (RedisLockMap). */
  readonly leaseMs?: number;
}

/** Where and as whom the reporter connects, and how much it may buffer. */
export interface InspectorReporterOptions {
  /** Unix socket path or Windows named pipe of the inspector hub. */
  readonly address: string;
  readonly token: string;
  readonly label: string;
  /** Source kind as the launcher named it (`launched`, `chat`, `debug`, `external`). */
  readonly kind?: string;
  readonly server?: { readonly name: string; readonly version: string };
  /** Events held while the socket is busy; beyond this, events are dropped and counted. Default 65536. */
  readonly maxBufferedEvents?: number;
  /** Most events in one line (about 200 bytes each); a line longer than MAX_LINE_BYTES is split further. Default 1024. */
  readonly maxBatchEvents?: number;
  /** How long the first event of a batch waits for company. Default DEFAULT_FLUSH_DELAY_MS. */
  readonly flushDelayMs?: number;
  /** First reconnect delay, doubled after each failure up to `maxReconnectDelayMs`. Default 100 ms. */
  readonly reconnectDelayMs?: number;
  /** Default 5000 ms. */
  readonly maxReconnectDelayMs?: number;
}

/** What the reporter has done so far, for tests, benchmarks and diagnostics. */
export interface InspectorReporterStats {
  readonly connected: boolean;
  readonly connections: number;
  /** Events accepted and not yet written to the socket. */
  readonly eventsBuffered: number;
  readonly eventsSent: number;
  /** Events not delivered: reported while the hub was away (or not yet reached), lost with a connection, over the buffer, unserialisable or too big for a line. */
  readonly eventsDropped: number;
  /** Set when the hub refused the hello; the reporter then stops trying. */
  readonly rejectedReason?: string;
}

/** Bytes written to the socket but not yet taken by the hub, beyond which the reporter waits for 'drain'. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

/** Longest a process that is exiting waits for the hub to take the reporter's last events. */
const EXIT_FLUSH_MS = 1000;
/** How long, by default, the first event of a batch waits for company before the batch goes to the hub. */
export const DEFAULT_FLUSH_DELAY_MS = 20;

type CallEventFields = Omit<CallStartedEvent, 'seq'> | Omit<CallEndedEvent, 'seq'>;

/** Reporters not closed yet, which flush when the process exits (one pair of process listeners for all). */
const openReporters = new Set<InspectorReporter>();
const flushBeforeExit = (): void => openReporters.forEach((reporter) => reporter.flushBeforeExit());
const flushAtExit = (): void => openReporters.forEach((reporter) => reporter.flushAtExit());

/**
 * Streams a lock map's events, and the tool-call boundaries it is given, to the inspector hub.
 *
 * The handler side only ever pushes onto a bounded array: serialisation and socket writes happen
 * later, in batches, and a full buffer drops (and counts) instead of blocking. Events that arise
 * while disconnected are not kept, but counted: every (re)connection starts with a fresh snapshot and
 * the count of what was lost since the last batch. The socket and timers are unref'd, so the reporter
 * never keeps a process alive; when the process exits anyway (its loop ran dry, or process.exit) it
 * hands the hub what it still holds, waiting at most EXIT_FLUSH_MS.
 */
export class InspectorReporter {
  private readonly maxBufferedEvents: number;
  private readonly maxBatchEvents: number;
  private readonly flushDelayMs: number;
  private readonly reconnectDelayMs: number;
  private readonly maxReconnectDelayMs: number;
  private readonly unsubscribe: () => void;
  private socket: Socket | undefined;
  private connected = false;
  private waitingForDrain = false;
  private buffer: InspectorEvent[] = [];
  /** Index of the oldest unsent event in `buffer`; batches are taken from here without copying the rest. */
  private bufferHead = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushImmediate: NodeJS.Immediate | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;
  /** Resolve the waits of `firstConnection` once the first connection is made or has failed. */
  private readonly firstConnectionWaiters: (() => void)[] = [];
  private callSeq = 0;
  private droppedSinceLastBatch = 0;
  private closed = false;
  private counters = { connections: 0, eventsSent: 0, eventsDropped: 0, rejectedReason: undefined as string | undefined };

  constructor(
    private readonly locks: LockEventSource,
    private readonly options: InspectorReporterOptions,
  ) {
    this.maxBufferedEvents = options.maxBufferedEvents ?? 65_536;
    this.maxBatchEvents = options.maxBatchEvents ?? 1024;
    this.flushDelayMs = options.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 100;
    this.maxReconnectDelayMs = options.maxReconnectDelayMs ?? 5000;
    const unsubscribeLocks = locks.subscribe((event) => this.report(event));
    const unsubscribeLostUpdates = sharedStateTracker.subscribe((event) => this.report(event));
    this.unsubscribe = () => {
      unsubscribeLocks();
      unsubscribeLostUpdates();
    };
    if (openReporters.size === 0) {
      process.on('beforeExit', flushBeforeExit);
      process.on('exit', flushAtExit);
    }
    openReporters.add(this);
    this.connect();
  }

  /** A reporter for the channel the environment names, or undefined (and no cost at all) when it names none. */
  static fromEnvironment(
    locks: LockEventSource,
    options: { readonly env?: NodeJS.ProcessEnv; readonly server?: { readonly name: string; readonly version: string } } = {},
  ): InspectorReporter | undefined {
    const env = options.env ?? process.env;
    const address = env[CHANNEL_ENV.address];
    if (!address) return undefined;
    return new InspectorReporter(locks, {
      address,
      token: env[CHANNEL_ENV.token] ?? '',
      label: env[CHANNEL_ENV.label] || `${options.server?.name ?? 'MCP server'} (pid ${process.pid})`,
      kind: env[CHANNEL_ENV.kind] || undefined,
      server: options.server,
    });
  }

  /**
   * Queues one event for the hub; O(1), never throws, never waits. Until the first connection is made (a server that
   * connects its reporter with its first request), tool-call boundaries and lost updates wait for it; lock events do
   * not, as the snapshot that starts every connection shows what they did.
   */
  report(event: InspectorEvent): void {
    if (!(this.connected || (this.beforeFirstConnection() && !isLockEvent(event))) || this.bufferedCount() >= this.maxBufferedEvents) {
      this.drop(1);
      return;
    }
    const buffered = this.buffer.push(event) - this.bufferHead;
    if (!this.connected) return;
    if (buffered >= this.maxBatchEvents) {
      this.flushImmediate ??= setImmediate(() => this.sendScheduled());
    } else if (buffered === 1) {
      this.flushTimer ??= setTimeout(() => this.sendScheduled(), this.flushDelayMs).unref();
    }
  }

  /**
   * Resolves once the first connection is made or has failed, or after `timeoutMs`: work whose lock events should reach
   * the inspector from its very start (a demo load that starts with the process) waits for it, since lock events
   * reported before the first connection are dropped and counted.
   */
  firstConnection(timeoutMs: number): Promise<void> {
    if (!this.beforeFirstConnection()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs).unref();
      this.firstConnectionWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Queues a tool-call boundary, numbering it in the reporter's own call sequence. */
  reportCall(event: CallEventFields): void {
    if (!this.connected && !this.beforeFirstConnection()) {
      this.drop(1);
      return;
    }
    this.report({ ...event, seq: ++this.callSeq } as InspectorEvent);
  }

  /** Hands every buffered event to the socket now, not at the next batch (a transport closed, the process ends). */
  flush(): void {
    this.cancelScheduledFlush();
    while (this.connected && this.bufferedCount() > 0) this.sendNextBatch();
  }

  /** The process's loop ran dry: hand the hub what is left; the write keeps the process alive until taken, at most EXIT_FLUSH_MS. */
  flushBeforeExit(): void {
    if (!this.connected || this.bufferedCount() === 0) return;
    this.flush();
    const socket = this.socket!;
    if (socket.writableLength > 0) setTimeout(() => socket.destroy(), EXIT_FLUSH_MS).unref();
  }

  /** The process is exiting now (process.exit): write what is left synchronously, for at most EXIT_FLUSH_MS. */
  flushAtExit(): void {
    const socket = this.socket;
    if (!this.connected || socket === undefined || this.bufferedCount() === 0) return;
    this.cancelScheduledFlush();
    const lines: string[] = [];
    while (this.bufferedCount() > 0) lines.push(...this.batchLines(this.takeNextBatch()));
    const text = lines.join('');
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    // Writing to the descriptor directly is safe only while the socket has nothing of its own in flight.
    if (fd === undefined || fd < 0 || socket.writableLength > 0) {
      socket.write(text);
      return;
    }
    writeWithin(fd, Buffer.from(text), EXIT_FLUSH_MS);
  }

  /** Counters of what was sent and dropped. */
  stats(): InspectorReporterStats {
    return { connected: this.connected, eventsBuffered: this.bufferedCount(), ...this.counters };
  }

  /** Sends what is buffered, then disconnects for good and stops listening to the lock map. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    openReporters.delete(this);
    if (openReporters.size === 0) {
      process.off('beforeExit', flushBeforeExit);
      process.off('exit', flushAtExit);
    }
    clearTimeout(this.reconnectTimer);
    // The socket queues what the hub has not taken yet; end() below still delivers it.
    this.flush();
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      // Held open until the hub has it all, so code awaiting close() runs on; a hub that never reads must not hold up shutdown.
      const giveUp = setTimeout(() => socket.destroy(), EXIT_FLUSH_MS);
      socket.once('close', () => {
        clearTimeout(giveUp);
        resolve();
      });
      socket.ref();
      socket.end();
    });
  }

  private connect(): void {
    if (this.closed || this.counters.rejectedReason !== undefined) return;
    const socket = createConnection(this.options.address);
    this.socket = socket;
    socket.unref();
    const replies = new BoundedLineSplitter(64 * 1024, (line) => this.onHubLine(line), () => socket.destroy());
    socket.on('data', (chunk) => replies.push(chunk));
    socket.on('drain', () => {
      this.waitingForDrain = false;
      this.sendScheduled();
    });
    // 'close' always follows 'error'; reconnecting happens there.
    socket.on('error', () => undefined);
    socket.on('close', () => this.onDisconnected(socket));
    socket.on('connect', () => {
      this.failedAttempts = 0;
      this.counters.connections++;
      this.settleFirstConnection();
      this.connected = true;
      const hello: HelloMessage = {
        v: WIRE_VERSION,
        type: 'hello',
        token: this.options.token,
        pid: process.pid,
        label: this.options.label,
        ...(this.options.kind ? { kind: this.options.kind } : {}),
        ...(this.options.server ? { server: this.options.server } : {}),
        ...(typeof this.locks.replica === 'string' ? { replica: this.locks.replica } : {}),
        ...(typeof this.locks.leaseMs === 'number' ? { leaseMs: this.locks.leaseMs } : {}),
      };
      const snapshot: SnapshotMessage = { v: WIRE_VERSION, type: 'snapshot', snapshot: this.locks.snapshot() };
      this.write(`${JSON.stringify(hello)}\n${JSON.stringify(snapshot)}\n`);
      // What the hub missed while it was away, counted at once rather than with the next event, which may never come.
      if (this.droppedSinceLastBatch > 0) {
        const lost: EventsMessage = { v: WIRE_VERSION, type: 'events', events: [], dropped: this.droppedSinceLastBatch };
        this.droppedSinceLastBatch = 0;
        this.write(`${JSON.stringify(lost)}\n`);
      }
      // What waited for this first connection.
      if (this.bufferedCount() > 0) this.sendScheduled();
    });
  }

  private settleFirstConnection(): void {
    for (const settle of this.firstConnectionWaiters.splice(0)) settle();
  }

  /** Whether the reporter is still making its first connection: no connection made or failed yet. */
  private beforeFirstConnection(): boolean {
    return this.counters.connections === 0 && this.failedAttempts === 0 && !this.closed;
  }

  private onHubLine(line: string): void {
    let message: HubToServerMessage;
    try {
      message = JSON.parse(line) as HubToServerMessage;
    } catch {
      return;
    }
    if (message.type === 'rejected') {
      this.counters.rejectedReason = message.reason;
      this.connected = false;
      process.stderr.write(`[mcp-lock-inspector] the inspector refused this server (${message.reason}); lock events will not be reported.\n`);
      this.socket?.destroy();
    }
  }

  private onDisconnected(socket: Socket): void {
    if (socket !== this.socket) return;
    this.connected = false;
    this.waitingForDrain = false;
    this.drop(this.bufferedCount());
    this.buffer = [];
    this.bufferHead = 0;
    this.cancelScheduledFlush();
    if (this.closed || this.counters.rejectedReason !== undefined) return;
    const delayMs = Math.min(this.maxReconnectDelayMs, this.reconnectDelayMs * 2 ** this.failedAttempts);
    this.failedAttempts++;
    this.settleFirstConnection();
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs).unref();
  }

  private sendScheduled(): void {
    this.cancelScheduledFlush();
    if (!this.connected || this.waitingForDrain) return;
    this.sendNextBatch();
    // One batch per turn: between turns the socket moves what was written while the next batch is serialised.
    if (this.bufferedCount() > 0) this.flushImmediate = setImmediate(() => this.sendScheduled());
  }

  private drop(count: number): void {
    this.droppedSinceLastBatch += count;
    this.counters.eventsDropped += count;
  }

  private cancelScheduledFlush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.flushImmediate = undefined;
  }

  private bufferedCount(): number {
    return this.buffer.length - this.bufferHead;
  }

  private takeNextBatch(): readonly InspectorEvent[] {
    const end = Math.min(this.buffer.length, this.bufferHead + this.maxBatchEvents);
    const batch = this.bufferHead === 0 && end === this.buffer.length ? this.buffer : this.buffer.slice(this.bufferHead, end);
    this.bufferHead = end;
    if (this.bufferHead === this.buffer.length) {
      this.buffer = [];
      this.bufferHead = 0;
    }
    return batch;
  }

  private sendNextBatch(): void {
    for (const line of this.batchLines(this.takeNextBatch())) this.write(line);
  }

  /** The lines that carry `events`, each under the hub's limit; counts them as sent (and what cannot be sent as dropped). */
  private batchLines(events: readonly InspectorEvent[]): string[] {
    if (events.length === 0) return [];
    const message: EventsMessage = { v: WIRE_VERSION, type: 'events', events, dropped: this.droppedSinceLastBatch };
    let line: string;
    try {
      line = JSON.stringify(message);
    } catch {
      // An owner the user made unserialisable (a cycle, a BigInt) must not take the server down.
      this.drop(events.length);
      return [];
    }
    // A UTF-16 unit is at most 3 UTF-8 bytes, so short lines skip the exact count.
    if (line.length * 3 >= MAX_LINE_BYTES && Buffer.byteLength(line) >= MAX_LINE_BYTES) {
      if (events.length === 1) {
        this.drop(1);
        return [];
      }
      const half = Math.ceil(events.length / 2);
      return [...this.batchLines(events.slice(0, half)), ...this.batchLines(events.slice(half))];
    }
    this.droppedSinceLastBatch = 0;
    this.counters.eventsSent += events.length;
    return [`${line}\n`];
  }

  private write(text: string): void {
    const socket = this.socket!;
    socket.write(text);
    // Several batches may be in flight (one batch alone is far above the stream's high-water mark); past this much
    // unsent data the hub is not keeping up, so stop writing until it drains and let the event buffer absorb or drop.
    if (socket.writableLength >= MAX_UNSENT_BYTES) this.waitingForDrain = true;
  }
}

/** Whether an event comes from the lock map (so a connection's first snapshot covers it), not from the instrumentation. */
function isLockEvent(event: InspectorEvent): boolean {
  return event.type !== 'callStarted' && event.type !== 'callEnded' && event.type !== 'lostUpdate';
}

/** Writes `bytes` to a non-blocking descriptor synchronously, retrying while it is full, for at most `budgetMs`. */
function writeWithin(fd: number, bytes: Buffer, budgetMs: number): void {
  const deadline = Date.now() + budgetMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() >= deadline) return;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
