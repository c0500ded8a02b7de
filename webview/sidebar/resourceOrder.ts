import type { ResourceView } from '../../extension/contract/inspectorSnapshot';

/** How the sidebar orders resources. */
export type ResourceSort = 'busy' | 'queue' | 'waitP95' | 'timeouts' | 'name';

/** The sidebar's resource list settings. */
export interface ResourceQuery {
  readonly sort: ResourceSort;
  /** Case-insensitive substring of the id or of a holder's or waiter's tool. */
  readonly text: string;
  readonly onlyBusy: boolean;
}

/** How long after a timeout or deadlock a resource stays marked. */
export const RECENT_INCIDENT_MS = 30_000;

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Whether a resource timed out, aborted or deadlocked within the last RECENT_INCIDENT_MS. */
export function hasRecentIncident(resource: ResourceView, nowMs: number): boolean {
  return resource.lastIncident !== undefined && nowMs - resource.lastIncident.atMs < RECENT_INCIDENT_MS;
}

/** Whether anybody holds or waits for the resource now. */
export function isBusy(resource: ResourceView): boolean {
  return resource.holders.length > 0 || resource.waiters.length > 0;
}

/**
 * Filters and orders resources. `busy` keeps the model's order (longest queue, then longest held, then
 * idle by recency) and lifts recent incidents to the top of the busy and of the idle group; the other
 * orders are descending figures with the model's order breaking ties, or natural name order.
 */
export function orderResources(resources: readonly ResourceView[], query: ResourceQuery, nowMs: number): ResourceView[] {
  const text = query.text.trim().toLowerCase();
  const matches = (resource: ResourceView): boolean =>
    (!query.onlyBusy || isBusy(resource)) &&
    (text === '' ||
      resource.id.toLowerCase().includes(text) ||
      resource.holders.some((party) => party.owner?.tool?.toLowerCase().includes(text)) ||
      resource.waiters.some((party) => party.owner?.tool?.toLowerCase().includes(text)));
  const selected = resources.filter(matches);
  const figure = sortFigure(query.sort);
  if (figure) {
    const indexed = selected.map((resource, index) => ({ resource, index, value: figure(resource) }));
    indexed.sort((a, b) => b.value - a.value || a.index - b.index);
    return indexed.map(({ resource }) => resource);
  }
  if (query.sort === 'name') return selected.sort((a, b) => byName.compare(a.id, b.id) || byName.compare(a.sourceId, b.sourceId));
  const groups: ResourceView[][] = [[], [], [], []];
  for (const resource of selected) groups[(isBusy(resource) ? 0 : 2) + (hasRecentIncident(resource, nowMs) ? 0 : 1)]!.push(resource);
  return groups.flat();
}

function sortFigure(sort: ResourceSort): ((resource: ResourceView) => number) | undefined {
  switch (sort) {
    case 'queue':
      return (resource) => resource.waiters.length;
    case 'waitP95':
      return (resource) => resource.wait.p95;
    case 'timeouts':
      return (resource) => resource.timeouts + resource.deadlocks + resource.aborts;
    case 'busy':
    case 'name':
      return undefined;
  }
}
