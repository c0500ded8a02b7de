import { ADVICE_TITLES, describeCycle, describeOwner, formatDuration, leaseLostHeadline, lostUpdateHeadline } from '../../extension/contract/describe';
import type { WarningView } from '../../extension/contract/inspectorSnapshot';

/** Warnings that say the same thing about the same code, shown once with how often it happened. */
export interface WarningGroup {
  readonly key: string;
  /** The newest warning of the group. */
  readonly latest: WarningView;
  /** How often its warnings happened in all, so it agrees with the totals. */
  readonly count: number;
}

/**
 * Groups warnings (newest first) by what a person would fix: a deadlock by the tools on its cycle, an inversion
 * by its two call sites, a long hold by tool and resource, a timeout storm by resource. Groups keep newest-first order.
 */
export function groupWarnings(warnings: readonly WarningView[]): WarningGroup[] {
  const groups = new Map<string, { latest: WarningView; count: number }>();
  for (const warning of warnings) {
    const key = groupKey(warning);
    const group = groups.get(key);
    const occurrences = warning.occurrences ?? 1;
    if (group) group.count += occurrences;
    else groups.set(key, { latest: warning, count: occurrences });
  }
  return [...groups].map(([key, { latest, count }]) => ({ key, latest, count }));
}

function groupKey(warning: WarningView): string {
  switch (warning.kind) {
    case 'deadlock':
      return `deadlock\u0000${[...new Set(warning.cycle.map((edge) => edge.waiter.owner?.tool ?? '?'))].sort().join('\u0000')}`;
    case 'inversion':
      return `inversion\u0000${[siteKey(warning.earlier), siteKey(warning.later)].sort().join('\u0000')}`;
    case 'longHold':
      return `longHold\u0000${warning.owner?.tool ?? '?'}\u0000${warning.resource}`;
    case 'timeoutStorm':
      return `timeoutStorm\u0000${warning.sourceId}\u0000${warning.resource}`;
    case 'lostUpdate':
      return `lostUpdate\u0000${warning.event.owner?.tool ?? '?'}\u0000${warning.event.key}`;
    case 'leaseLost':
      return `leaseLost\u0000${warning.owner?.replica ?? '?'}\u0000${warning.resource}`;
    case 'advice':
      return warning.id;
  }
}

function siteKey(site: { readonly owner?: { readonly tool?: string }; readonly location?: string }): string {
  return `${site.owner?.tool ?? '?'}@${site.location ?? '?'}`;
}

/** A warning card's icon, title and one-line gist. */
export function warningHeadline(warning: WarningView): readonly ['error' | 'warning' | 'watch', string, string] {
  switch (warning.kind) {
    case 'deadlock':
      return ['error', 'Deadlock averted', describeCycle(warning.cycle)];
    case 'inversion':
      return ['warning', 'Lock order inversion', `${describeOwner(warning.earlier.owner, warning.earlier.chainId)} and ${describeOwner(warning.later.owner, warning.later.chainId)} take ${warning.earlier.first} and ${warning.earlier.second} in opposite orders`];
    case 'longHold':
      return ['watch', 'Long hold', `${describeOwner(warning.owner)} held ${warning.resource} for ${formatDuration(warning.heldMs)}`];
    case 'timeoutStorm':
      return ['warning', 'Timeout storm', `${warning.timeouts} timeouts on ${warning.resource} within ${formatDuration(warning.windowMs)}`];
    case 'advice':
      return ['watch', ADVICE_TITLES[warning.advice], warning.resource ?? warning.tool ?? ''];
    case 'leaseLost':
      return ['error', 'Lease lost', leaseLostHeadline(warning, warning.resource)];
    case 'lostUpdate':
      return ['error', 'Lost update', lostUpdateHeadline(warning.event)];
  }
}
