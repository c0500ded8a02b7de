// The Lua scripts behind the Redis lock map. Each runs atomically in Redis, so a grant, a hand-over or a fenced
// write is one step no other replica can interleave with. Keys are built inside the scripts from a prefix and the
// resource id, which a single Redis allows (Redis Cluster does not: it is not supported).
//
// Per resource R, under the prefix P:
//   P h:R   hash   holder id -> party record (JSON, with its fencing token)
//   P m:R   string mode of the holders (all readers or one writer)
//   P q:R   list   waiter ids, first come first served
//   P w:R   hash   waiter id -> party record
//   P l:ID:R        the lease of one hold or wait (PX); its expiry, announced by a keyspace event, frees the hold
// and for every resource: P busy (set of held or waited-for resources), P fence (the fencing counter), P wf:CHAIN
// (hash resource -> waiter record: what a call chain waits for, the wait-for edges deadlock detection walks), and
// the channel P g:REPLICA_ID on which a replica hears that one of its waiters was granted.

const library = `
local p = ARGV[1]
local function keys(r) return p .. 'h:' .. r, p .. 'm:' .. r, p .. 'q:' .. r, p .. 'w:' .. r end
local function lease(id, r) return p .. 'l:' .. id .. ':' .. r end

-- Holders whose lease ran out (a dead or paused replica) stop holding.
local function purgeHolders(r)
  local H, M = keys(r)
  for _, id in ipairs(redis.call('HKEYS', H)) do
    if redis.call('EXISTS', lease(id, r)) == 0 then redis.call('HDEL', H, id) end
  end
  if redis.call('HLEN', H) == 0 then redis.call('DEL', M) end
end

local function holdersAllow(r, mode)
  local H, M = keys(r)
  if redis.call('HLEN', H) == 0 then return true end
  return mode == 'read' and redis.call('GET', M) == 'read'
end

local function grant(id, record, r, now)
  local H, M = keys(r)
  local token = redis.call('INCR', p .. 'fence')
  record.token = token
  record.sinceMs = now
  redis.call('HSET', H, id, cjson.encode(record))
  redis.call('SET', M, record.mode)
  redis.call('SET', lease(id, r), '1', 'PX', record.leaseMs)
  redis.call('SADD', p .. 'busy', r)
  return token
end

local function stopWaiting(id, r, record)
  local _, _, Q, W = keys(r)
  redis.call('LREM', Q, 1, id)
  redis.call('HDEL', W, id)
  if record then redis.call('HDEL', p .. 'wf:' .. record.chain, r) end
end

-- Grants the queue head(s) the holders allow now (several readers at once) and tells each one's replica.
local function serve(r, now)
  local H, _, Q, W = keys(r)
  purgeHolders(r)
  local granted = {}
  while true do
    local head = redis.call('LINDEX', Q, 0)
    if not head then break end
    local json = redis.call('HGET', W, head)
    local record = json and cjson.decode(json)
    if not record or redis.call('EXISTS', lease(head, r)) == 0 then
      stopWaiting(head, r, record)
    elseif holdersAllow(r, record.mode) then
      stopWaiting(head, r, record)
      local token = grant(head, record, r, now)
      redis.call('PUBLISH', p .. 'g:' .. record.replicaId, head .. ' ' .. token .. ' ' .. r)
      table.insert(granted, head)
      table.insert(granted, tostring(token))
      if record.mode == 'write' then break end
    else
      break
    end
  end
  if redis.call('HLEN', H) == 0 and redis.call('LLEN', Q) == 0 then redis.call('SREM', p .. 'busy', r) end
  return granted
end

-- The wait-for edges from a call waiting for r back to the call chain 'me', if waiting would close a cycle.
local function findCycle(me, waiter, r)
  local path, explored = {}, {}
  local function leadsBack(waiting, resource)
    local H = keys(resource)
    for _, json in ipairs(redis.call('HVALS', H)) do
      local holder = cjson.decode(json)
      table.insert(path, { waiter = waiting, resource = resource, holderChainId = holder.chainId, holderReplica = holder.owner.replica })
      if holder.chain == me then return true end
      if not explored[holder.chain] then
        explored[holder.chain] = true
        local edges = redis.call('HGETALL', p .. 'wf:' .. holder.chain)
        for index = 1, #edges, 2 do
          local blocked = cjson.decode(edges[index + 1])
          if leadsBack({ chainId = blocked.chainId, owner = blocked.owner, mode = blocked.mode }, edges[index]) then return true end
        end
      end
      table.remove(path)
    end
    return false
  end
  if leadsBack(waiter, r) then return path end
  return nil
end
`;

/**
 * ARGV: prefix, resource, request id, party record JSON, may queue ('1'/'0'), now, check deadlock ('1'/'0').
 * Replies `granted TOKEN`, `queued HOLDERS_JSON`, `busy HOLDERS_JSON` (not queued: timeout 0) or `deadlock CYCLE_JSON`.
 */
export const ACQUIRE_SCRIPT = `${library}
local r, id, json, mayQueue, now, checkDeadlock = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
local H, _, Q, W = keys(r)
local record = cjson.decode(json)
-- With nobody queued there is nothing to serve, only lapsed holders to drop (the uncontended path).
if redis.call('LLEN', Q) == 0 then purgeHolders(r) else serve(r, now) end
local held = redis.call('HGET', H, id)
if held then return { 'granted', tostring(cjson.decode(held).token) } end
if redis.call('LLEN', Q) == 0 and holdersAllow(r, record.mode) then
  return { 'granted', tostring(grant(id, record, r, now)) }
end
local holders = cjson.encode(redis.call('HVALS', H))
if redis.call('HEXISTS', W, id) == 1 then return { 'queued', holders } end
if mayQueue == '0' then return { 'busy', holders } end
if checkDeadlock == '1' then
  local cycle = findCycle(record.chain, { chainId = record.chainId, owner = record.owner, mode = record.mode }, r)
  if cycle then return { 'deadlock', cjson.encode(cycle) } end
end
redis.call('RPUSH', Q, id)
redis.call('HSET', W, id, json)
redis.call('HSET', p .. 'wf:' .. record.chain, r, json)
redis.call('SET', lease(id, r), '1', 'PX', record.leaseMs)
redis.call('SADD', p .. 'busy', r)
return { 'queued', holders }
`;

/**
 * ARGV: prefix, resource, request id, now. Ends the request's hold or wait on the resource (whichever it has, if
 * any) and serves the queue. Replies `held|waited|none` then `id, token` of every waiter it granted.
 */
export const LEAVE_SCRIPT = `${library}
local r, id, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local H, M, _, W = keys(r)
local left = 'none'
if redis.call('HDEL', H, id) == 1 then
  left = 'held'
  if redis.call('HLEN', H) == 0 then redis.call('DEL', M) end
else
  local json = redis.call('HGET', W, id)
  if json then
    left = 'waited'
    stopWaiting(id, r, cjson.decode(json))
  end
end
redis.call('DEL', lease(id, r))
local reply = { left }
if redis.call('LLEN', p .. 'q:' .. r) == 0 then
  if redis.call('HLEN', H) == 0 then redis.call('SREM', p .. 'busy', r) end
  return reply
end
for _, value in ipairs(serve(r, now)) do table.insert(reply, value) end
return reply
`;

/** KEYS: lease keys; ARGV: prefix (unused), lease ms. Extends each lease; replies the 0-based indexes of those already gone. */
export const RENEW_SCRIPT = `
local lost = {}
for index, key in ipairs(KEYS) do
  if redis.call('PEXPIRE', key, ARGV[2]) == 0 then table.insert(lost, tostring(index - 1)) end
end
return lost
`;

/**
 * ARGV: prefix, number of fences N, then N resource/fencing-token pairs, then key/value pairs. Sets the values
 * only while every token is a live hold on its resource (a lease that ran out no longer is); replies 1 when
 * written, 0 when refused.
 */
export const FENCED_WRITE_SCRIPT = `${library}
local fences = tonumber(ARGV[2])
for index = 3, 2 + 2 * fences, 2 do
  local r, token = ARGV[index], tonumber(ARGV[index + 1])
  purgeHolders(r)
  local live = false
  for _, json in ipairs(redis.call('HVALS', (keys(r)))) do
    if cjson.decode(json).token == token then live = true end
  end
  if not live then return 0 end
end
for index = 3 + 2 * fences, #ARGV, 2 do redis.call('SET', ARGV[index], ARGV[index + 1]) end
return 1
`;
