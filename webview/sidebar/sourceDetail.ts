import type { SourceInfo } from '../../extension/contract/inspectorSnapshot';
import { formatCount } from '../shared/format';

/** How each source kind reads in the sources list. */
export const KIND_TEXT: Record<SourceInfo['kind'], string> = { launched: 'launched here', chat: 'chat agent', debug: 'debug session', external: 'external', redis: 'read from Redis' };

/** The line under a source: its kind, events, and what the view is missing of it, e.g. `launched here · 2,448 events · 7,940 not delivered`. */
export function sourceDetail(source: SourceInfo): string {
  const gaps = [
    source.eventsDroppedBySource > 0 && `${formatCount(source.eventsDroppedBySource)} not delivered`,
    source.partiesRefused > 0 && `${formatCount(source.partiesRefused)} locks not tracked`,
    source.linesRejected > 0 && `${formatCount(source.linesRejected)} rejected`,
  ].filter(Boolean);
  return [`${KIND_TEXT[source.kind]}${source.connected ? '' : ', gone'}`, `${formatCount(source.eventsReceived)} events`, ...gaps].join(' · ');
}

/** What those gaps mean, for the line's tooltip; empty when there are none. */
export function sourceGapsExplained(source: SourceInfo): string {
  return [
    source.eventsDroppedBySource > 0 &&
      `${formatCount(source.eventsDroppedBySource)} events this server could not deliver (the inspector was away, or it fell behind): the timeline marks where they are missing, and holds and waits among them are not shown.`,
    source.partiesRefused > 0 &&
      `${formatCount(source.partiesRefused)} holders and waiters were not tracked: this source already had as many as the inspector keeps per source.`,
    source.linesRejected > 0 && `${formatCount(source.linesRejected)} lines from it were refused as malformed.`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Whether the view misses anything of this source. */
export function hasGaps(source: SourceInfo): boolean {
  return source.eventsDroppedBySource + source.partiesRefused + source.linesRejected > 0;
}
