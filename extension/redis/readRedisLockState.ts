import { nowMs, type LockSnapshot, type ResourceSnapshot } from 'mcp-lock-inspector/locks';
import { LuaScript, type RedisCommandSender } from './luaScript';
import { partyOfRecord, type PartyRecord } from './partyRecord';

// One atomic read of every busy resource: holders whose lease ran out are left out, waiters in queue order.
const snapshotScript = new LuaScript(`
local p = ARGV[1]
local resources = {}
for _, r in ipairs(redis.call('SMEMBERS', p .. 'busy')) do
  local holders = {}
  local fields = redis.call('HGETALL', p .. 'h:' .. r)
  for index = 1, #fields, 2 do
    if redis.call('EXISTS', p .. 'l:' .. fields[index] .. ':' .. r) == 1 then table.insert(holders, fields[index + 1]) end
  end
  local waiters = {}
  for _, id in ipairs(redis.call('LRANGE', p .. 'q:' .. r, 0, -1)) do
    local json = redis.call('HGET', p .. 'w:' .. r, id)
    if json then table.insert(waiters, json) end
  end
  table.insert(resources, { r, holders, waiters })
end
return resources
`);

/**
 * Every replica's holders and waiters under `prefix`, read straight from Redis in one script call. Parties of
 * `ownReplicaId` keep their owner as given; the others name their replica. Needs no lock map: the inspector's
 * `redis` source reads it for replicas that do not report.
 */
export async function readRedisLockState(client: RedisCommandSender, prefix: string, ownReplicaId = ''): Promise<LockSnapshot> {
  const reply = (await snapshotScript.run(client, [], [prefix])) as [string, string[], string[]][];
  const atMs = nowMs();
  const party = (json: string) => partyOfRecord(JSON.parse(json) as PartyRecord, ownReplicaId);
  const resources: ResourceSnapshot[] = reply
    .map(([id, holders, waiters]) => ({ id, holders: holders.map(party), waiters: waiters.map(party) }))
    .filter((resource) => resource.holders.length + resource.waiters.length !== 0);
  return { atMs, resources };
}
