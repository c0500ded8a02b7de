// `mcp-lock-inspector/redis`: locks shared by every replica of a service through one Redis, with the API, errors and
// events of the in-process lock map. Needs the `redis` package (node-redis 6), a peer dependency of this entry only.
export { RedisLockMap, currentLockGrant, DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_LEASE_MS, DEFAULT_KEY_PREFIX, type RedisLockMapOptions, type RedisLockedWork } from './redisLockMap';
export type { RedisLockGrant } from './redisLockRequest';
export { readRedisLockState } from './readRedisLockState';
export * from 'mcp-lock-inspector/locks';
