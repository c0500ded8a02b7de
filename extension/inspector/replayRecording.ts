import type { InspectorSnapshot } from '../contract/inspectorSnapshot';
import { InspectorModel, type InspectorModelOptions } from './inspectorModel';
import type { Recording } from './recording';
import { realClock, type Clock } from './throttle';

/** A model rebuilt from a recording, standing at one recorded instant. */
export interface ReplayedModel {
  readonly model: InspectorModel;
  /** The model's snapshot, with the counts a recording cannot place in time (dropped, rejected) as they were recorded. */
  snapshot(): InspectorSnapshot;
}

/**
 * Rebuilds the model a recording was taken from as it stood at `atMs` (default: the moment it was recorded): the
 * sources that had connected by then, and every recorded event up to then fed through a fresh InspectorModel, so
 * holders, queues, statistics and warnings come out exactly as the live model computed them. State from before the
 * oldest recorded event (`header.eventsEvictedBefore`) is not in the file and is not shown.
 */
export function replayRecording(recording: Recording, atMs = recording.header.recordedAtMs, options: InspectorModelOptions = {}): ReplayedModel {
  let nowMs = -Infinity;
  const clock: Clock = { ...realClock, now: () => nowMs };
  const model = new InspectorModel({ maxEvents: Math.max(1, recording.events.length), ...options, clock });
  const pendingSources = [...recording.sources].sort((a, b) => a.connectedAtMs - b.connectedAtMs);
  const connectSourcesUntil = (untilMs: number) => {
    while (pendingSources.length > 0 && (pendingSources[0] as (typeof pendingSources)[number]).connectedAtMs <= untilMs) {
      const source = pendingSources.shift() as (typeof pendingSources)[number];
      nowMs = Math.max(nowMs, source.connectedAtMs);
      model.addSource(source);
    }
  };
  for (const event of recording.events) {
    if (event.atMs > atMs) break;
    connectSourcesUntil(event.atMs);
    nowMs = event.atMs;
    if (event.type === 'sourceGone') model.disconnectSource(event.sourceId);
    else if (event.type === 'eventsDropped') model.ingest(event.sourceId, [], event.count);
    else model.ingest(event.sourceId, [event]);
  }
  connectSourcesUntil(atMs);
  nowMs = atMs;

  const recordedSources = new Map(recording.sources.map((source) => [source.id, source]));
  return {
    model,
    snapshot: () => {
      const snapshot = model.snapshot();
      const sources = snapshot.sources.map((source) => {
        const recorded = recordedSources.get(source.id);
        return recorded ? { ...source, eventsDroppedBySource: recorded.eventsDroppedBySource, linesRejected: recorded.linesRejected } : source;
      });
      const linesRejected = sources.reduce((sum, source) => sum + source.linesRejected, 0);
      return { ...snapshot, sources, totals: { ...snapshot.totals, linesRejected } };
    },
  };
}
