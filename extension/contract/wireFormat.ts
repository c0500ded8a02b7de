import type { LockEvent, LockOwner, LockSnapshot, LostUpdateEvent } from './lockEvents';
import type { ArgumentFingerprints } from './argumentFingerprints';

/** Version of the line-delimited JSON spoken on the inspector channel; bumped on incompatible change. */
export const WIRE_VERSION = 1;

/** Environment variables through which the extension (or the CLI) hands the channel to a server process. */
export const CHANNEL_ENV = {
  /** Unix socket path or Windows named pipe of the inspector hub. */
  address: 'MCP_LOCK_INSPECTOR_ADDRESS',
  /** Random per-session secret the server must present in its hello. */
  token: 'MCP_LOCK_INSPECTOR_TOKEN',
  /** Human label of the source, e.g. `bundled server` or `chat agent`. */
  label: 'MCP_LOCK_INSPECTOR_LABEL',
  /** Which kind of source this is: `launched`, `chat`, `debug` or `external` (see SourceKind). */
  kind: 'MCP_LOCK_INSPECTOR_KIND',
} as const;

/**
 * Where a source's events come from: launched by the extension, by VS Code's MCP host for a chat agent, under the
 * debugger, anything else, or `redis`: the inspector's own reading of the lock state every replica keeps in Redis.
 */
export type SourceKind = 'launched' | 'chat' | 'debug' | 'external' | 'redis';

/** Largest line, in bytes, the hub accepts; longer lines are counted and dropped. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** The hints of MCP tool annotations that say what a tool does to shared state, as the server lists them. */
export interface ToolAnnotationHints {
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint?: boolean;
}

/** A tool call began (emitted by the server instrumentation, not the lock map). */
export interface CallStartedEvent {
  readonly type: 'callStarted';
  readonly seq: number;
  readonly atMs: number;
  readonly owner: LockOwner;
  /** Fingerprints of the call's arguments (never their values), so advice can tell calls on different keys apart. */
  readonly arguments?: ArgumentFingerprints;
  /** The tool's annotation hints, as the server's `tools/list` answered them; absent when it listed none. */
  readonly annotations?: ToolAnnotationHints;
}

/** A tool call finished; `outcome` says how. */
export interface CallEndedEvent {
  readonly type: 'callEnded';
  readonly seq: number;
  readonly atMs: number;
  readonly owner: LockOwner;
  readonly durationMs: number;
  readonly outcome: 'ok' | 'error' | 'cancelled';
  /** Error code such as E_LOCK_TIMEOUT when the call failed on a lock. */
  readonly errorCode?: string;
  /** The call's writes of tracked shared state (files through node:fs, trackSharedState), when it made any. */
  readonly sharedWrites?: SharedWrites;
}

/** Most distinct keys a `SharedWrites` names; its count covers writes of the others too. */
export const MAX_SHARED_WRITE_KEYS = 4;

/** How often one call wrote tracked shared state, and the first few distinct keys it wrote, in the order first written. */
export interface SharedWrites {
  readonly count: number;
  readonly keys: readonly string[];
}

/** Everything a server reports: lock events, tool-call boundaries and lost updates of shared state. */
export type InspectorEvent = LockEvent | CallStartedEvent | CallEndedEvent | LostUpdateEvent;

/** First line a server sends; the hub closes connections whose token is wrong. */
export interface HelloMessage {
  readonly v: typeof WIRE_VERSION;
  readonly type: 'hello';
  readonly token: string;
  readonly pid: number;
  readonly label: string;
  /** The source kind from the environment, when the launcher set one. */
  readonly kind?: string;
  /** MCP server name/version when known. */
  readonly server?: { readonly name: string; readonly version: string };
  /** The replica this process is, when its locks live in Redis shared with other replicas (the views merge them). */
  readonly replica?: string;
  /** The lease of its Redis holds, in milliseconds: how long a hold outlives the process at most. */
  readonly leaseMs?: number;
}

/** Current lock state, sent after hello and after each reconnect so the hub never starts blind. */
export interface SnapshotMessage {
  readonly v: typeof WIRE_VERSION;
  readonly type: 'snapshot';
  readonly snapshot: LockSnapshot;
}

/** A batch of events; `dropped` counts events the reporter discarded since the previous batch (full buffer). */
export interface EventsMessage {
  readonly v: typeof WIRE_VERSION;
  readonly type: 'events';
  readonly events: readonly InspectorEvent[];
  readonly dropped: number;
}

/** Any line a server sends to the hub. */
export type ServerToHubMessage = HelloMessage | SnapshotMessage | EventsMessage;

/** The hub's answer to a hello. */
export type HubToServerMessage =
  | { readonly v: typeof WIRE_VERSION; readonly type: 'welcome'; readonly sourceId: string }
  | { readonly v: typeof WIRE_VERSION; readonly type: 'rejected'; readonly reason: string };
