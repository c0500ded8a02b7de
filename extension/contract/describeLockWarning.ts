import { describeParty } from '../locks';
import type { LockEvent, LockOrderSite } from './lockEvents';

/** One sentence about a lock event worth a warning (deadlock, inversion, long hold, timeout), for logs and MCP logging messages. */
export function describeLockWarning(event: LockEvent): string {
  switch (event.type) {
    case 'deadlock': {
      const cycle = event.cycle.map((edge) => `${describeParty(edge.waiter)} waits for "${edge.resource}"`).join(', ');
      return `Deadlock refused ${describeParty(event)} asking for "${event.resource}": ${cycle}. Take the resources in one order (one withLocks call).`;
    }
    case 'inversion':
      return `Lock-order inversion: ${describeSite(event.earlier)}, but ${describeSite(event.later)}. Two such calls at once deadlock; take both in one order (one withLocks call).`;
    case 'longHold':
      return `${describeParty(event)} has held "${event.resource}" for ${Math.round(event.heldMs)} ms (threshold ${event.thresholdMs} ms). Is it awaiting something slow inside its lock?`;
    case 'timeout': {
      const holders = event.holders.map((holder) => describeParty(holder)).join(', ');
      return `${describeParty(event)} timed out after ${Math.round(event.waitedMs)} ms waiting for "${event.resource}"${holders ? `, held by ${holders}` : ''}.`;
    }
    default:
      return `${describeParty(event)}: lock ${event.type}.`;
  }
}

function describeSite(site: LockOrderSite): string {
  return `${describeParty(site)} took "${site.first}" then "${site.second}"${site.location ? ` at ${site.location}` : ''}`;
}
