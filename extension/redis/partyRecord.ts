import type { LockMode, LockOwner, LockParty } from 'mcp-lock-inspector/locks';

/** A holder or waiter as the Lua scripts store it in Redis (JSON); holders also carry their fencing token. */
export interface PartyRecord {
  /** Replica id and chain id: unique across replicas, the node deadlock detection walks. */
  readonly chain: string;
  readonly chainId: number;
  /** The owner, with `replica` always set. */
  readonly owner: LockOwner;
  readonly mode: LockMode;
  /** Random id of the replica's lock map: its grant channel. */
  readonly replicaId: string;
  readonly leaseMs: number;
  readonly sinceMs: number;
  readonly token?: number;
}

/** A stored record as a snapshot or error reports it; parties of `ownReplicaId` keep their owner as given, without `replica`. */
export function partyOfRecord(record: PartyRecord, ownReplicaId: string): LockParty {
  const { replica, ...localOwner } = record.owner;
  const owner = record.replicaId !== ownReplicaId ? record.owner : Object.keys(localOwner).length === 0 ? undefined : localOwner;
  return { chainId: record.chainId, owner, mode: record.mode, sinceMs: record.sinceMs };
}

/** The records of a script's JSON array of record strings (cjson writes an empty array as `{}`). */
export function parseRecords(json: string): PartyRecord[] {
  const values: unknown = JSON.parse(json);
  return Array.isArray(values) ? values.map((value: string) => JSON.parse(value) as PartyRecord) : [];
}
