import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LockSnapshot } from '../contract/lockEvents';
import type { SourceInfo } from '../contract/inspectorSnapshot';
import {
  CHANNEL_ENV,
  MAX_LINE_BYTES,
  WIRE_VERSION,
  type HubToServerMessage,
  type InspectorEvent,
} from '../contract/wireFormat';
import { BoundedLineSplitter } from '../contract/boundedLineSplitter';
import { parseInspectorEvent } from '../contract/inspectorEventParser';
import type { SourceKind } from '../contract/wireFormat';
import {
  SOURCE_KINDS,
  eventsEnvelopeSchema,
  helloMessageSchema,
  inspectorEventSchema,
  lineHeaderSchema,
  snapshotMessageSchema,
} from '../contract/wireSchema';

/** A source as the hub registers it: who it is, and for a replica its name and Redis lease. */
export type NewSource = Pick<SourceInfo, 'id' | 'label' | 'kind' | 'pid' | 'connectedAtMs' | 'replica' | 'leaseMs'>;

/** Where the hub sends what it accepted; InspectorModel implements it. */
export interface InspectorSink {
  addSource(source: NewSource): void;
  ingest(sourceId: string, events: readonly InspectorEvent[], droppedBySource: number): void;
  applySnapshot(sourceId: string, snapshot: LockSnapshot): void;
  disconnectSource(sourceId: string): void;
  /** A refused line; `sourceId` is undefined before a connection has authenticated. */
  countRejectedLine(sourceId: string | undefined): void;
}

/** The few logging calls the hub makes; VS Code's LogOutputChannel and `console` both fit. */
export interface InspectorLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Options of InspectorHub.listen. */
export interface InspectorHubOptions {
  /** Receives sources, events and snapshots; usually an InspectorModel. */
  readonly model?: InspectorSink;
  readonly logger?: InspectorLogger;
  /** Longest accepted line after hello, in bytes (default MAX_LINE_BYTES). */
  readonly maxLineBytes?: number;
  /** A connection that has not said hello by then is closed (default 10 s). */
  readonly helloTimeoutMs?: number;
}

/** Counters of what the hub accepted and refused, for tests and diagnostics. */
export interface InspectorHubStats {
  readonly openConnections: number;
  readonly sourcesAccepted: number;
  readonly connectionsRejected: number;
  readonly linesRejected: number;
}

// An unauthenticated peer may not make the hub hold a megabyte; a hello is a few hundred bytes.
const HELLO_MAX_BYTES = 16 * 1024;
// Hostile input can produce a reject per line; the log shows the first few and then a sample.
const LOGGED_REJECTS_PER_CONNECTION = 5;
const REJECT_LOG_SAMPLE_EVERY = 1000;

const silentLogger: InspectorLogger = { info: () => {}, warn: () => {} };

/**
 * The inspector channel endpoint: a private socket (named pipe on Windows) that servers report lock events to.
 *
 * Usage:
 * ```ts
 * const model = new InspectorModel({ maxEvents: 50_000 });
 * const hub = await InspectorHub.listen({ model, logger: outputChannel });
 * spawn(command, args, { env: { ...process.env, ...hub.envFor('bundled server', 'launched') } });
 * model.subscribe((change) => render(change.snapshot));
 * // later
 * await hub.dispose();
 * ```
 */
export class InspectorHub {
  private readonly sockets = new Set<net.Socket>();
  private readonly tokenDigest: Buffer;
  private nextSourceNumber = 1;
  private sourcesAccepted = 0;
  private connectionsRejected = 0;
  private linesRejected = 0;
  private disposed = false;

  private constructor(
    private readonly server: net.Server,
    /** Socket path or pipe name servers connect to. */
    readonly address: string,
    /** The secret servers present in their hello. */
    readonly token: string,
    private readonly privateDirectory: string | undefined,
    private readonly options: InspectorHubOptions,
    private readonly logger: InspectorLogger,
  ) {
    this.tokenDigest = digest(token);
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (error) => this.logger.warn(`Inspector channel error: ${error.message}`));
  }

  /** Opens a fresh channel: a new private directory (or pipe name) and a new random token. */
  static async listen(options: InspectorHubOptions = {}): Promise<InspectorHub> {
    const logger = options.logger ?? silentLogger;
    const token = randomBytes(32).toString('base64url');
    let address: string;
    let privateDirectory: string | undefined;
    if (process.platform === 'win32') {
      address = `\\\\.\\pipe\\mcp-lock-inspector-${randomBytes(12).toString('hex')}`;
    } else {
      // mkdtemp creates the directory 0700; chmod again in case a umask or platform did otherwise.
      privateDirectory = await mkdtemp(path.join(os.tmpdir(), 'mcp-lock-inspector-'));
      await chmod(privateDirectory, 0o700);
      address = path.join(privateDirectory, 'hub.sock');
    }
    const server = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(address, () => {
          server.off('error', reject);
          resolve();
        });
      });
      if (privateDirectory) await chmod(address, 0o600);
    } catch (error) {
      server.close();
      if (privateDirectory) await rm(privateDirectory, { recursive: true, force: true });
      throw new Error(`Could not open the inspector channel at ${address}: ${(error as Error).message}`);
    }
    logger.info(`Inspector channel listening at ${address}`);
    return new InspectorHub(server, address, token, privateDirectory, options, logger);
  }

  /** The environment variables that point a server process at this hub (see CHANNEL_ENV). */
  envFor(label: string, kind: SourceKind): Record<string, string> {
    return {
      [CHANNEL_ENV.address]: this.address,
      [CHANNEL_ENV.token]: this.token,
      [CHANNEL_ENV.label]: label,
      [CHANNEL_ENV.kind]: kind,
    };
  }

  /** What the hub has accepted and refused so far. */
  stats(): InspectorHubStats {
    return {
      openConnections: this.sockets.size,
      sourcesAccepted: this.sourcesAccepted,
      connectionsRejected: this.connectionsRejected,
      linesRejected: this.linesRejected,
    };
  }

  /** Closes the channel and every connection, and removes the private directory. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.privateDirectory) await rm(this.privateDirectory, { recursive: true, force: true });
  }

  private accept(socket: net.Socket): void {
    if (this.disposed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    const maxLineBytes = this.options.maxLineBytes ?? MAX_LINE_BYTES;
    let sourceId: string | undefined;
    let connectionName = 'unauthenticated connection';
    let rejectsOnConnection = 0;

    const reject = (reason: string): void => {
      rejectsOnConnection += 1;
      this.linesRejected += 1;
      this.guard(() => this.options.model?.countRejectedLine(sourceId));
      if (rejectsOnConnection <= LOGGED_REJECTS_PER_CONNECTION || rejectsOnConnection % REJECT_LOG_SAMPLE_EVERY === 0) {
        this.logger.warn(`Inspector channel: dropped a line from ${connectionName} (${rejectsOnConnection} so far): ${reason}`);
      }
    };
    const refuseConnection = (reason: string): void => {
      this.connectionsRejected += 1;
      this.linesRejected += 1;
      this.guard(() => this.options.model?.countRejectedLine(undefined));
      this.logger.warn(`Inspector channel: refused ${connectionName}: ${reason}`);
      splitter.stop();
      clearTimeout(helloTimer);
      const answer: HubToServerMessage = { v: WIRE_VERSION, type: 'rejected', reason };
      socket.end(`${JSON.stringify(answer)}\n`);
      // A peer that never reads must not keep the socket open.
      setTimeout(() => socket.destroy(), 1000).unref();
    };

    const onLine = (line: string): void => {
      const parsed = parseJson(line);
      if (!parsed.ok) {
        if (sourceId === undefined) refuseConnection(`the first line must be a JSON hello (${parsed.error})`);
        else reject(`not JSON (${parsed.error})`);
        return;
      }
      const header = lineHeaderSchema.safeParse(parsed.value);
      if (sourceId === undefined) {
        this.handleHello(parsed.value, header.success ? header.data : undefined, socket, refuseConnection, (id, name) => {
          sourceId = id;
          connectionName = name;
          clearTimeout(helloTimer);
          splitter.resize(maxLineBytes);
        });
        return;
      }
      if (!header.success) return reject('a line must be an object with "v" and "type"');
      if (header.data.v !== WIRE_VERSION) return reject(`wire version ${String(header.data.v)} is not ${WIRE_VERSION}`);
      const id = sourceId;
      switch (header.data.type) {
        case 'events': {
          const envelope = eventsEnvelopeSchema.safeParse(parsed.value);
          if (!envelope.success) return reject(`bad events message: ${envelope.error.issues[0]?.message ?? 'invalid'}`);
          const events: InspectorEvent[] = [];
          let firstBadEvent: string | undefined;
          for (const candidate of envelope.data.events) {
            const event = parseInspectorEvent(candidate);
            if (event !== undefined) events.push(event);
            else firstBadEvent ??= describeBadEvent(candidate);
          }
          // Valid events of a partly bad batch are kept; the line still counts as refused.
          if (firstBadEvent !== undefined) reject(`invalid event in batch: ${firstBadEvent}`);
          this.guard(() => this.options.model?.ingest(id, events, envelope.data.dropped));
          return;
        }
        case 'snapshot': {
          const message = snapshotMessageSchema.safeParse(parsed.value);
          if (!message.success) return reject(`bad snapshot message: ${message.error.issues[0]?.message ?? 'invalid'}`);
          this.guard(() => this.options.model?.applySnapshot(id, message.data.snapshot));
          return;
        }
        default:
          return reject(`unexpected message type ${JSON.stringify(header.data.type).slice(0, 80)}`);
      }
    };

    const splitter = new BoundedLineSplitter(HELLO_MAX_BYTES, onLine, () => {
      if (sourceId === undefined) refuseConnection(`the hello line is longer than ${HELLO_MAX_BYTES} bytes`);
      else reject(`line longer than ${maxLineBytes} bytes`);
    });
    const helloTimer = setTimeout(
      () => refuseConnection('no hello in time'),
      this.options.helloTimeoutMs ?? 10_000,
    );
    helloTimer.unref();

    socket.on('data', (chunk: Buffer) => this.guard(() => splitter.push(chunk)));
    socket.on('error', (error) => this.logger.warn(`Inspector channel: ${connectionName}: ${error.message}`));
    socket.on('close', () => {
      clearTimeout(helloTimer);
      splitter.stop();
      this.sockets.delete(socket);
      if (sourceId !== undefined) {
        const id = sourceId;
        this.logger.info(`Inspector channel: ${connectionName} disconnected`);
        this.guard(() => this.options.model?.disconnectSource(id));
      }
    });
  }

  private handleHello(
    value: unknown,
    header: { v: unknown; type: string } | undefined,
    socket: net.Socket,
    refuse: (reason: string) => void,
    accepted: (sourceId: string, connectionName: string) => void,
  ): void {
    if (header?.type !== 'hello') return refuse('the first line must be a hello');
    if (header.v !== WIRE_VERSION) {
      return refuse(`wire version ${String(header.v)} is not supported; this inspector speaks version ${WIRE_VERSION}`);
    }
    const hello = helloMessageSchema.safeParse(value);
    if (!hello.success) return refuse(`malformed hello: ${hello.error.issues[0]?.message ?? 'invalid'}`);
    if (!timingSafeEqual(digest(hello.data.token), this.tokenDigest)) return refuse('wrong token');
    // `redis` is the inspector's own reading of Redis, never a server's claim.
    const kind: SourceKind = (SOURCE_KINDS as readonly string[]).includes(hello.data.kind ?? '') && hello.data.kind !== 'redis'
      ? (hello.data.kind as SourceKind)
      : 'external';
    const sourceId = `s${this.nextSourceNumber++}`;
    const connectionName = `${hello.data.label} (pid ${hello.data.pid}, ${sourceId})`;
    this.sourcesAccepted += 1;
    accepted(sourceId, connectionName);
    this.guard(() =>
      this.options.model?.addSource({
        id: sourceId,
        label: hello.data.label,
        kind,
        pid: hello.data.pid,
        connectedAtMs: Date.now(),
        ...(hello.data.replica === undefined ? {} : { replica: hello.data.replica }),
        ...(hello.data.leaseMs === undefined ? {} : { leaseMs: hello.data.leaseMs }),
      }),
    );
    const answer: HubToServerMessage = { v: WIRE_VERSION, type: 'welcome', sourceId };
    socket.write(`${JSON.stringify(answer)}\n`);
    this.logger.info(`Inspector channel: ${connectionName} connected`);
  }

  /** Runs a step whose failure must never escape the hub (a model bug must not kill the channel). */
  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.logger.warn(`Inspector channel: internal error: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function parseJson(line: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (error) {
    return { ok: false, error: (error as Error).message.slice(0, 200) };
  }
}

function describeBadEvent(candidate: unknown): string {
  const type = (candidate as { type?: unknown } | null)?.type;
  const issue = inspectorEventSchema.safeParse(candidate).error?.issues[0];
  return `type ${JSON.stringify(type)?.slice(0, 80) ?? 'missing'}${issue ? `: ${issue.path.join('.')} ${issue.message}` : ''}`;
}
