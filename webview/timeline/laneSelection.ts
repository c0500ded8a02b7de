import type { TimelineFilter, TimelineLaneOrder } from '../../extension/contract/webviewMessages';
import type { Lane } from './timelineStore';

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Whether a lane passes the filter. */
export function laneMatches(lane: Lane, filter: TimelineFilter): boolean {
  if (filter.sourceId && lane.sourceId !== filter.sourceId) return false;
  if (filter.onlyContended && !lane.contended) return false;
  if (filter.tool && !lane.tools.has(filter.tool)) return false;
  if (filter.resource && !lane.resource.toLowerCase().includes(filter.resource.toLowerCase())) return false;
  return true;
}

/** The lanes to draw, filtered and ordered: by name (natural: `account:2` before `account:10`), by contention, or most recent first. */
export function selectLanes(lanes: Iterable<Lane>, filter: TimelineFilter, order: TimelineLaneOrder): Lane[] {
  const selected: Lane[] = [];
  for (const lane of lanes) if (laneMatches(lane, filter)) selected.push(lane);
  const nameOrder = (a: Lane, b: Lane): number => byName.compare(a.resource, b.resource) || byName.compare(a.sourceId, b.sourceId);
  switch (order) {
    case 'name':
      return selected.sort(nameOrder);
    case 'contention':
      return selected.sort((a, b) => b.incidents - a.incidents || b.waitedTotalMs - a.waitedTotalMs || nameOrder(a, b));
    case 'recent':
      return selected.sort((a, b) => b.lastActivityMs - a.lastActivityMs || nameOrder(a, b));
  }
}
