import type { InspectorModelReader, InspectorSnapshot, ModelChange } from '../../contract/inspectorSnapshot';
import type { TimelineHeader, TimelineHostMessage } from '../../contract/webviewMessages';

/** History goes to a ready timeline in slices this big, so no single message keeps the webview busy for long. */
export const HISTORY_CHUNK_EVENTS = 5000;

/** What the timeline reads: the model the views show, and where its time cursor is (a ShownModel has one). */
export type TimelineModel = InspectorModelReader & { readonly cursorMs?: number };

/**
 * What a ready timeline gets first: one snapshot (clock, sources, tools, who is busy now, the oldest slice of
 * history), then the rest of the history as ordinary changes.
 */
export function timelineSnapshotMessages(model: TimelineModel): TimelineHostMessage[] {
  const snapshot = model.snapshot();
  const header = timelineHeader(snapshot, model.cursorMs);
  const history = model.history();
  const messages: TimelineHostMessage[] = [
    {
      type: 'didSnapshot',
      header,
      busy: snapshot.resources.filter((resource) => resource.holders.length > 0 || resource.waiters.length > 0),
      events: history.slice(0, HISTORY_CHUNK_EVENTS),
    },
  ];
  for (let start = HISTORY_CHUNK_EVENTS; start < history.length; start += HISTORY_CHUNK_EVENTS) {
    messages.push({ type: 'didChangeLocks', header, events: history.slice(start, start + HISTORY_CHUNK_EVENTS), cleared: false });
  }
  return messages;
}

/** A coalesced model change as the timeline needs it: only the new events, not the whole snapshot; `cursorMs` is the model's time cursor then. */
export function timelineChangeMessage({ snapshot, events, cleared }: ModelChange, cursorMs?: number): TimelineHostMessage {
  return { type: 'didChangeLocks', header: timelineHeader(snapshot, cursorMs), events, cleared };
}

function timelineHeader(snapshot: InspectorSnapshot, cursorMs: number | undefined): TimelineHeader {
  return {
    atMs: snapshot.atMs,
    sources: snapshot.sources,
    tools: snapshot.tools.map((tool) => tool.tool),
    toolColorSlots: snapshot.toolColorSlots,
    ...(cursorMs !== undefined && { cursorMs }),
  };
}
