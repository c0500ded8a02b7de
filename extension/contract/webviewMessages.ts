// Host <-> webview messages. Types only: both the extension host and the browser bundles import this file.
import type { InspectorSnapshot, ResourceView, SourceInfo, SourcedEvent } from './inspectorSnapshot';

/** Lifecycle of the MCP server the extension launches itself. */
export type ServerState = 'stopped' | 'starting' | 'running' | 'crashed';

/** What the timeline shows; every field narrows, an absent field does not. */
export interface TimelineFilter {
  /** Only lanes this tool touched; other tools' bars are dimmed. */
  readonly tool?: string;
  /** Substring of the resource id, case-insensitive. */
  readonly resource?: string;
  readonly sourceId?: string;
  /** Only resources where somebody ever waited, timed out, aborted or deadlocked. */
  readonly onlyContended?: boolean;
}

/** The slice of the model the timeline needs besides the events themselves. */
export interface TimelineHeader {
  /** Model clock, epoch milliseconds: lets the webview follow the host's time, not its own. */
  readonly atMs: number;
  readonly sources: readonly SourceInfo[];
  readonly tools: readonly string[];
  /** As InspectorSnapshot.toolColorSlots. */
  readonly toolColorSlots?: Readonly<Record<string, number>>;
  /** The time cursor the views show the state at, epoch milliseconds; absent while they show now (the sidebar's Escape and Show Live take it away). */
  readonly cursorMs?: number;
}

/** Messages every webview may send to the host. */
export type CommonWebviewMessage =
  | { readonly type: 'ready' }
  /** Jump to where a tool's handler is registered. */
  | { readonly type: 'revealTool'; readonly tool: string }
  /** Open a `file:line:column` location reported by the lock library. */
  | { readonly type: 'revealSource'; readonly location: string };

/** Host -> sidebar. */
export type SidebarHostMessage =
  | { readonly type: 'didSnapshot'; readonly snapshot: InspectorSnapshot; readonly serverState: ServerState }
  | { readonly type: 'didChangeSnapshot'; readonly snapshot: InspectorSnapshot }
  | { readonly type: 'didChangeServerState'; readonly serverState: ServerState }
  /** The bundled server's demo load as the settings have it; undefined when no demo load is configured. */
  | { readonly type: 'didChangeDemo'; readonly demo: DemoLoadState | undefined }
  /** A debug session reporting here stopped at a breakpoint (its name), or runs again (undefined). */
  | { readonly type: 'didChangeDebugPause'; readonly pausedSession: string | undefined };

/** What the sidebar says about the demo load. */
export interface DemoLoadState {
  /** Whether the load fires the opposite-order pair (charge_fee, refund_fee) whose deadlocks are deliberate. */
  readonly deadlockPair: boolean;
}

/** Sidebar -> host. */
export type SidebarWebviewMessage =
  | CommonWebviewMessage
  | { readonly type: 'startServer' }
  | { readonly type: 'stopServer' }
  | { readonly type: 'restartServer' }
  /** Start the bundled demo server if needed, then fire parallel tool calls at it. */
  | { readonly type: 'runDemo' }
  /** Turn the demo load's opposite-order pair on or off (a setting; the server restarts). */
  | { readonly type: 'setDemoDeadlockPair'; readonly enabled: boolean }
  | { readonly type: 'showTimeline'; readonly filter?: TimelineFilter }
  /** Take the time cursor away (Escape in the sidebar): the views show now again. */
  | { readonly type: 'clearTimeCursor' }
  /** Show the live model at now: leaves a recording and the time cursor. */
  | { readonly type: 'showLive' };

/** Host -> timeline. */
export type TimelineHostMessage =
  | {
      readonly type: 'didSnapshot';
      readonly header: TimelineHeader;
      /** Busy resources now, so bars whose start fell out of history are still drawn open. */
      readonly busy: readonly ResourceView[];
      /** Retained history, oldest first. */
      readonly events: readonly SourcedEvent[];
    }
  | {
      readonly type: 'didChangeLocks';
      readonly header: TimelineHeader;
      readonly events: readonly SourcedEvent[];
      /** History was cleared: drop everything drawn before these events. */
      readonly cleared: boolean;
    }
  | { readonly type: 'didSetFilter'; readonly filter: TimelineFilter };

/** Timeline -> host. */
export type TimelineWebviewMessage =
  | CommonWebviewMessage
  /** Put the time cursor at this instant (the sidebar shows the state then), or take it away. */
  | { readonly type: 'showStateAt'; readonly atMs: number | undefined };

/** What the timeline keeps through `setState`, so a reload (or a revived panel) looks the same; it always comes back live. */
export interface TimelineViewState {
  readonly filter: TimelineFilter;
  readonly msPerPixel: number;
  readonly laneOrder: TimelineLaneOrder;
  readonly colorBy: TimelineColorBy;
  readonly laneGrouping: TimelineLaneGrouping;
}

/** How the timeline orders its swimlanes; `source` groups each source's (replica's) lanes together. */
export type TimelineLaneOrder = 'name' | 'contention' | 'recent' | 'source';

/** What a bar's colour tells: the call's tool, or the replica it ran on. */
export type TimelineColorBy = 'tool' | 'replica';

/** A lane per resource of each source (each replica its own), or one per resource with every source's bars on it. */
export type TimelineLaneGrouping = 'source' | 'resource';
