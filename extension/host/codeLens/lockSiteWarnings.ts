import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WarningView } from '../../contract/inspectorSnapshot';
import type { LockOwner } from '../../contract/lockEvents';
import { type SourceLocation, parseSourceLocation } from '../views/sourceLocation';
import type { LockSite } from './analyzeSource';
import { WILDCARD, matchesResourcePattern } from './resourcePattern';

/** The warnings of one kind that point at one lock site, newest first. */
export interface SiteWarning {
  readonly site: LockSite;
  readonly kind: WarningView['kind'];
  /** The newest warning's message. */
  readonly message: string;
  /** How many distinct warnings of this kind point here. */
  readonly warnings: number;
  /** For an inversion: the other place that takes the same two resources, in the opposite order. */
  readonly otherLocation?: SourceLocation;
  /** What the timeline should show for it. */
  readonly timelineFilter: { readonly tool?: string; readonly resource?: string };
}

/**
 * Attaches the model's warnings to the lock sites of one file: an inversion by the source location the lock
 * library captured, a long hold, deadlock or timeout storm by the resource (and, when both say, the tool).
 */
export function warningsAtSites(fileName: string, sites: readonly LockSite[], warnings: readonly WarningView[]): SiteWarning[] {
  const bySiteAndKind = new Map<string, { -readonly [K in keyof SiteWarning]: SiteWarning[K] }>();
  const warningIdsByKey = new Map<string, Set<string>>();
  const add = (site: LockSite, warning: WarningView, resource: string | undefined, otherLocation?: SourceLocation): void => {
    const key = `${sites.indexOf(site)}:${warning.kind}`;
    const existing = bySiteAndKind.get(key);
    if (existing) {
      // A deadlock cycle may pass the same site twice; it is still one warning.
      const ids = warningIdsByKey.get(key)!;
      ids.add(warning.id);
      existing.warnings = ids.size;
      return;
    }
    warningIdsByKey.set(key, new Set([warning.id]));
    const tool = site.tool;
    bySiteAndKind.set(key, {
      site,
      kind: warning.kind,
      message: warning.message,
      warnings: 1,
      ...(otherLocation && { otherLocation }),
      timelineFilter: { ...(tool !== undefined && { tool }), ...(resource !== undefined && { resource }) },
    });
  };

  for (const warning of warnings) {
    switch (warning.kind) {
      case 'inversion': {
        const earlier = parseLocation(warning.earlier.location);
        const later = parseLocation(warning.later.location);
        const earlierSite = earlier && siteAtLocation(fileName, sites, earlier);
        const laterSite = later && siteAtLocation(fileName, sites, later);
        if (earlierSite) add(earlierSite, warning, warning.earlier.second, later);
        if (laterSite && laterSite !== earlierSite) add(laterSite, warning, warning.later.second, earlier);
        break;
      }
      case 'longHold':
      case 'timeoutStorm':
        for (const site of sitesForResource(sites, warning.resource, warning.kind === 'longHold' ? warning.owner : undefined)) add(site, warning, warning.resource);
        break;
      case 'advice':
        // A coarse lock is advised at the sites that take it; a tool's budget at its first lock site. A read-only hint
        // goes to the tool's registration, where its quick fix writes the annotation (readOnlyAnnotation.ts).
        if (warning.advice === 'readOnlyHint') break;
        if (warning.resource !== undefined) for (const site of sitesForResource(sites, warning.resource, undefined)) add(site, warning, warning.resource);
        else for (const site of sites.filter((candidate) => candidate.tool === warning.tool).slice(0, 1)) add(site, warning, undefined);
        break;
      case 'deadlock':
        for (const edge of warning.cycle) {
          for (const site of sitesForResource(sites, edge.resource, edge.waiter.owner)) add(site, warning, edge.resource);
        }
        break;
    }
  }
  return [...bySiteAndKind.values()];
}

function parseLocation(location: string | undefined): SourceLocation | undefined {
  if (location === undefined) return undefined;
  try {
    const parsed = parseSourceLocation(location);
    return parsed.path.startsWith('file:') ? { ...parsed, path: fileURLToPath(parsed.path) } : parsed;
  } catch {
    // A location the lock library could not capture well is not worth a diagnostic.
    return undefined;
  }
}

/** The innermost site whose lines include the location's line, when the location is in this file. */
function siteAtLocation(fileName: string, sites: readonly LockSite[], location: SourceLocation): LockSite | undefined {
  if (!isSameFile(fileName, location.path)) return undefined;
  const line = location.line - 1;
  let innermost: LockSite | undefined;
  for (const site of sites) {
    if (site.range.start.line > line || site.range.end.line < line) continue;
    if (!innermost || site.range.start.line >= innermost.range.start.line) innermost = site;
  }
  return innermost;
}

/**
 * The sites whose patterns match the resource, only the most specific ones (`account:fees` beats `account:*` for
 * `account:fees`); among them, those of the owner's tool when the source says which tool each belongs to.
 */
function sitesForResource(sites: readonly LockSite[], resource: string, owner: LockOwner | undefined): LockSite[] {
  const specificityOf = (site: LockSite): number =>
    Math.max(-1, ...site.resourcePatterns.filter((pattern) => matchesResourcePattern(pattern, resource)).map((pattern) => pattern.replaceAll(WILDCARD, '').length));
  const bestSpecificity = Math.max(-1, ...sites.map(specificityOf));
  const matching = bestSpecificity < 0 ? [] : sites.filter((site) => specificityOf(site) === bestSpecificity);
  const ofTool = owner?.tool === undefined ? [] : matching.filter((site) => site.tool === owner.tool);
  return ofTool.length > 0 ? ofTool : matching.filter((site) => site.tool === undefined || owner?.tool === undefined);
}

function isSameFile(fileName: string, path: string): boolean {
  const normalize = (value: string): string => (process.platform === 'win32' ? resolve(value).toLowerCase() : resolve(value));
  return normalize(fileName) === normalize(path);
}
