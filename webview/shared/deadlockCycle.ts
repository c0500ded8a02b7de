import type { LockOwner, WaitForEdge } from '../../extension/contract/lockEvents';
import { formatOwner } from './format';

/** One stop on a deadlock cycle: a call, or the resource it waits for. */
export type CycleNode =
  | { readonly kind: 'call'; readonly chainId: number; readonly owner?: LockOwner; readonly label: string }
  | { readonly kind: 'resource'; readonly id: string };

/**
 * Orders the edges of a wait-for cycle into call -> resource -> call -> ... so it reads round the loop;
 * the last resource's holder is the first call. A holder that is waiting nowhere ends the chain.
 */
export function cycleNodes(cycle: readonly WaitForEdge[]): CycleNode[] {
  if (cycle.length === 0) return [];
  const byWaiter = new Map(cycle.map((edge) => [edge.waiter.chainId, edge]));
  const nodes: CycleNode[] = [];
  const visited = new Set<WaitForEdge>();
  let edge: WaitForEdge | undefined = cycle[0];
  while (edge && !visited.has(edge)) {
    visited.add(edge);
    nodes.push({ kind: 'call', chainId: edge.waiter.chainId, owner: edge.waiter.owner, label: formatOwner(edge.waiter.owner, edge.waiter.chainId) });
    nodes.push({ kind: 'resource', id: edge.resource });
    const next = byWaiter.get(edge.holderChainId);
    if (!next) nodes.push({ kind: 'call', chainId: edge.holderChainId, label: `chain ${edge.holderChainId}` });
    edge = next;
  }
  return nodes;
}

/** The cycle in one line: `transfer #1 → account:B → transfer #2 → account:A → transfer #1`. */
export function cycleText(cycle: readonly WaitForEdge[]): string {
  const nodes = cycleNodes(cycle);
  if (nodes.length === 0) return '';
  const labels = nodes.map((node) => (node.kind === 'call' ? node.label : node.id));
  const closes = nodes.length % 2 === 0;
  return [...labels, ...(closes && nodes[0]?.kind === 'call' ? [nodes[0].label] : [])].join(' → ');
}
