import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { InspectorModelReader, SourceInfo, SourcedEvent } from '../contract/inspectorSnapshot';
import { inspectorEventSchema, SOURCE_KINDS } from '../contract/wireSchema';
import { MAX_LINE_BYTES } from '../contract/wireFormat';

/** What the first line of a `.lockrec` file says it is. */
export const RECORDING_FORMAT = 'mcp-lock-inspector-recording';

/** Version of the `.lockrec` format this inspector writes and reads; bumped on incompatible change. */
export const RECORDING_VERSION = 1;

/** Most events a recording holds, written or read (the model's history is bounded well below it by default). */
export const MAX_RECORDING_EVENTS = 1_000_000;

// A hostile or damaged file must not make us inflate gigabytes: about 1 KB per event is far more than real ones take.
const MAX_DECOMPRESSED_BYTES = 1024 * MAX_RECORDING_EVENTS;

/** The first line: what the file is and the moment it was recorded. */
export interface RecordingHeader {
  readonly format: typeof RECORDING_FORMAT;
  readonly version: typeof RECORDING_VERSION;
  readonly type: 'header';
  /** When the model was saved: the instant a replay shows by default. */
  readonly recordedAtMs: number;
  /** Events the model had already let go (bounded history) before the oldest one recorded. */
  readonly eventsEvictedBefore: number;
  readonly generator: string;
}

/** A saved inspector session: the sources as they were at `recordedAtMs` and the retained events, oldest first. */
export interface Recording {
  readonly header: RecordingHeader;
  readonly sources: readonly SourceInfo[];
  readonly events: readonly SourcedEvent[];
}

/** A `.lockrec` file that cannot be opened; the message names the file (and line) and says what to do. */
export class RecordingError extends Error {
  readonly code = 'E_RECORDING';
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

/** A recording of what `model` retains now: its sources and history at this instant. */
export function recordingOf(model: Pick<InspectorModelReader, 'snapshot' | 'history'> & { readonly historyEvicted?: number }): Recording {
  const snapshot = model.snapshot();
  const events = model.history().slice(-MAX_RECORDING_EVENTS);
  const dropped = model.history().length - events.length;
  return {
    header: {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      type: 'header',
      recordedAtMs: snapshot.atMs,
      eventsEvictedBefore: (model.historyEvicted ?? 0) + dropped,
      generator: 'MCP Lock Inspector',
    },
    sources: snapshot.sources,
    events,
  };
}

/** The `.lockrec` bytes of a recording: gzip-compressed JSON lines (header, sources, events). */
export function encodeRecording(recording: Recording): Buffer {
  const lines = [
    JSON.stringify(recording.header),
    ...recording.sources.map((source) => JSON.stringify({ type: 'source', source })),
    ...recording.events.map((event) => JSON.stringify({ type: 'event', event })),
  ];
  return gzipSync(`${lines.join('\n')}\n`);
}

/** Writes a recording to `file`. */
export async function writeRecording(file: string, recording: Recording): Promise<void> {
  await writeFile(file, encodeRecording(recording));
}

/** Reads and checks a `.lockrec` file; a RecordingError says what is wrong with it. */
export async function readRecording(file: string): Promise<Recording> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new RecordingError(`Cannot read the recording ${file}: ${(error as Error).message}.`);
  }
  return decodeRecording(bytes, file);
}

const sourceInfoSchema = z.object({
  id: z.string().max(4096),
  label: z.string().max(4096),
  kind: z.enum(SOURCE_KINDS),
  pid: z.number().int(),
  connected: z.boolean(),
  connectedAtMs: z.number(),
  eventsReceived: z.number().int().nonnegative(),
  eventsDroppedBySource: z.number().int().nonnegative(),
  linesRejected: z.number().int().nonnegative(),
  // Recordings made before the model bounded holders and waiters have no count.
  partiesRefused: z.number().int().nonnegative().default(0),
  replica: z.string().max(4096).optional(),
  leaseMs: z.number().positive().optional(),
}) satisfies z.ZodType<SourceInfo, unknown>;

const recordedEventSchema = z.intersection(
  z.union([
    inspectorEventSchema,
    z.object({ type: z.literal('sourceGone'), atMs: z.number() }),
    z.object({ type: z.literal('eventsDropped'), atMs: z.number(), count: z.number().int().positive() }),
  ]),
  z.object({ sourceId: z.string().max(4096) }),
);

const lineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('source'), source: sourceInfoSchema }),
  z.object({ type: z.literal('event'), event: z.unknown() }),
]);

const headerSchema = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.number(),
  type: z.literal('header'),
  recordedAtMs: z.number(),
  eventsEvictedBefore: z.number().int().nonnegative(),
  generator: z.string().max(4096),
});

/** Parses `.lockrec` bytes; `file` names them in errors. */
export function decodeRecording(bytes: Buffer, file: string): Recording {
  const name = path.basename(file);
  let text: string;
  try {
    text = gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES }).toString('utf8');
  } catch (error) {
    const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new RecordingError(
      tooBig
        ? `${file} inflates to more than ${MAX_DECOMPRESSED_BYTES / 1024 / 1024} MB, more than a recording of ${MAX_RECORDING_EVENTS} events can be; it is not a recording this inspector wrote.`
        : `${file} is not a gzip-compressed .lockrec recording (${(error as Error).message}). Save recordings with "Lock Inspector: Save Recording" or "mcp-lock-inspector watch --record FILE".`,
    );
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const where = (lineIndex: number) => `${name}:${lineIndex + 1}`;
  const parse = (lineIndex: number): unknown => {
    const line = lines[lineIndex] as string;
    if (Buffer.byteLength(line) > MAX_LINE_BYTES) throw new RecordingError(`${where(lineIndex)}: the line is longer than ${MAX_LINE_BYTES} bytes; the recording is damaged. Record the session again.`);
    try {
      return JSON.parse(line);
    } catch {
      throw new RecordingError(`${where(lineIndex)}: not a JSON line; the recording is damaged (cut short or edited). Record the session again, or remove that line.`);
    }
  };

  if (lines.length === 0) throw new RecordingError(`${file} is empty; it is not a recording. Record the session again.`);
  const header = headerSchema.safeParse(parse(0));
  if (!header.success) {
    throw new RecordingError(`${where(0)}: not a .lockrec header (expected {"format":"${RECORDING_FORMAT}","version":${RECORDING_VERSION},...}); this file is not an MCP Lock Inspector recording.`);
  }
  if (header.data.version !== RECORDING_VERSION) {
    throw new RecordingError(
      header.data.version > RECORDING_VERSION
        ? `${where(0)}: recording format version ${header.data.version} is newer than this inspector reads (${RECORDING_VERSION}). Update MCP Lock Inspector to open it.`
        : `${where(0)}: recording format version ${header.data.version} is no longer read (this inspector reads version ${RECORDING_VERSION}). Record the session again.`,
    );
  }
  if (lines.length - 1 > MAX_RECORDING_EVENTS + 10_000) {
    throw new RecordingError(`${file} has ${lines.length - 1} lines, more than the ${MAX_RECORDING_EVENTS} events a recording may hold; it is not a recording this inspector wrote.`);
  }

  const sources: SourceInfo[] = [];
  const events: SourcedEvent[] = [];
  for (let lineIndex = 1; lineIndex < lines.length; lineIndex += 1) {
    const line = lineSchema.safeParse(parse(lineIndex));
    if (!line.success) throw new RecordingError(`${where(lineIndex)}: expected a "source" or an "event" line (${firstIssue(line.error)}); the recording is damaged. Record the session again, or remove that line.`);
    if (line.data.type === 'source') {
      sources.push(line.data.source);
      continue;
    }
    const event = recordedEventSchema.safeParse(line.data.event);
    if (!event.success) throw new RecordingError(`${where(lineIndex)}: not a lock event this inspector knows (${firstIssue(event.error)}). Update MCP Lock Inspector, or remove that line.`);
    const previous = events.at(-1);
    if (previous && event.data.atMs < previous.atMs - CLOCK_SLACK_MS) {
      throw new RecordingError(`${where(lineIndex)}: this event is older than the one before it; a recording lists events oldest first. The file was edited or merged; record the session again.`);
    }
    events.push(event.data as SourcedEvent);
  }
  return { header: header.data as RecordingHeader, sources, events };
}

// Sources report on their own clocks: events of two processes may arrive slightly out of time order.
const CLOCK_SLACK_MS = 60_000;

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unknown problem';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
