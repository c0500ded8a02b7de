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
  /** How long the first event of a batch waits for company. Default 20 ms. */
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
  /** Events dropped because the buffer was full. */
  readonly eventsDropped: number;
  /** Set when the hub refused the hello; the reporter then stops trying. */
  readonly rejectedReason?: string;
}

/** Bytes written to the socket but not yet taken by the hub, beyond which the reporter waits for 'drain'. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

type CallEventFields = Omit<CallStartedEvent, 'seq'> | Omit<CallEndedEvent, 'seq'>;

/**
 * Streams a lock map's events, and the tool-call boundaries it is given, to the inspector hub.
 *
 * The handler side only ever pushes onto a bounded array: serialisation and socket writes happen
 * later, in batches, and a full buffer drops (and counts) instead of blocking. Events that arise
 * while disconnected are not kept: every (re)connection starts with a fresh snapshot instead.
 * The socket and timers are unref'd, so the reporter never keeps a process alive.
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
    this.flushDelayMs = options.flushDelayMs ?? 20;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 100;
    this.maxReconnectDelayMs = options.maxReconnectDelayMs ?? 5000;
    const unsubscribeLocks = locks.subscribe((event) => this.report(event));
    const unsubscribeLostUpdates = sharedStateTracker.subscribe((event) => this.report(event));
    this.unsubscribe = () => {
      unsubscribeLocks();
      unsubscribeLostUpdates();
    };
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

  /** Queues one event for the hub; O(1), never throws, never waits. */
  report(event: InspectorEvent): void {
    if (!this.connected) return;
    if (this.buffer.length - this.bufferHead >= this.maxBufferedEvents) {
      this.droppedSinceLastBatch++;
      this.counters.eventsDropped++;
      return;
    }
    const buffered = this.buffer.push(event) - this.bufferHead;
    if (buffered >= this.maxBatchEvents) {
      this.flushImmediate ??= setImmediate(() => this.flush());
    } else if (buffered === 1) {
      this.flushTimer ??= setTimeout(() => this.flush(), this.flushDelayMs).unref();
    }
  }

  /** Queues a tool-call boundary, numbering it in the reporter's own call sequence. */
  reportCall(event: CallEventFields): void {
    if (!this.connected) return;
    this.report({ ...event, seq: ++this.callSeq } as InspectorEvent);
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
    clearTimeout(this.reconnectTimer);
    this.cancelScheduledFlush();
    // The socket queues what the hub has not taken yet; end() below still delivers it.
    while (this.connected && this.bufferedCount() > 0) this.sendNextBatch();
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      // A hub that never reads must not hold up shutdown.
      setTimeout(() => socket.destroy(), 1000).unref();
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
      this.flush();
    });
    // 'close' always follows 'error'; reconnecting happens there.
    socket.on('error', () => undefined);
    socket.on('close', () => this.onDisconnected(socket));
    socket.on('connect', () => {
      this.failedAttempts = 0;
      this.counters.connections++;
      this.connected = true;
      this.droppedSinceLastBatch = 0;
      const hello: HelloMessage = {
        v: WIRE_VERSION,
        type: 'hello',
        token: this.options.token,
        pid: process.pid,
        label: this.options.label,
        ...(this.options.kind ? { kind: this.options.kind } : {}),
        ...(this.options.server ? { server: this.options.server } : {}),
      };
      const snapshot: SnapshotMessage = { v: WIRE_VERSION, type: 'snapshot', snapshot: this.locks.snapshot() };
      this.write(`${JSON.stringify(hello)}\n${JSON.stringify(snapshot)}\n`);
    });
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
    this.buffer = [];
    this.bufferHead = 0;
    this.cancelScheduledFlush();
    if (this.closed || this.counters.rejectedReason !== undefined) return;
    const delayMs = Math.min(this.maxReconnectDelayMs, this.reconnectDelayMs * 2 ** this.failedAttempts);
    this.failedAttempts++;
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs).unref();
  }

  private flush(): void {
    this.cancelScheduledFlush();
    if (!this.connected || this.waitingForDrain) return;
    this.sendNextBatch();
    // One batch per turn: between turns the socket moves what was written while the next batch is serialised.
    if (this.bufferedCount() > 0) this.flushImmediate = setImmediate(() => this.flush());
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

  private sendNextBatch(): void {
    const end = Math.min(this.buffer.length, this.bufferHead + this.maxBatchEvents);
    const batch = this.bufferHead === 0 && end === this.buffer.length ? this.buffer : this.buffer.slice(this.bufferHead, end);
    this.bufferHead = end;
    if (this.bufferHead === this.buffer.length) {
      this.buffer = [];
      this.bufferHead = 0;
    }
    if (batch.length > 0) this.sendBatch(batch);
  }

  private sendBatch(events: readonly InspectorEvent[]): void {
    const message: EventsMessage = { v: WIRE_VERSION, type: 'events', events, dropped: this.droppedSinceLastBatch };
    let line: string;
    try {
      line = JSON.stringify(message);
    } catch {
      // An owner the user made unserialisable (a cycle, a BigInt) must not take the server down.
      this.droppedSinceLastBatch += events.length;
      this.counters.eventsDropped += events.length;
      return;
    }
    // A UTF-16 unit is at most 3 UTF-8 bytes, so short lines skip the exact count.
    if (line.length * 3 >= MAX_LINE_BYTES && Buffer.byteLength(line) >= MAX_LINE_BYTES) {
      if (events.length === 1) {
        this.droppedSinceLastBatch++;
        this.counters.eventsDropped++;
        return;
      }
      const half = Math.ceil(events.length / 2);
      this.sendBatch(events.slice(0, half));
      this.sendBatch(events.slice(half));
      return;
    }
    this.droppedSinceLastBatch = 0;
    this.counters.eventsSent += events.length;
    this.write(`${line}\n`);
  }

  private write(text: string): void {
    const socket = this.socket!;
    socket.write(text);
    // Several batches may be in flight (one batch alone is far above the stream's high-water mark); past this much
    // unsent data the hub is not keeping up, so stop writing until it drains and let the event buffer absorb or drop.
    if (socket.writableLength >= MAX_UNSENT_BYTES) this.waitingForDrain = true;
  }
}
