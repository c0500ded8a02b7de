// Types for replicatedService.mjs, which stays plain JavaScript like the other tools.
import type { RunningRedisServer } from './redisServer.mjs';

/** One running replica of the bundled server. */
export interface RunningReplica {
  readonly name: string;
  readonly pid: number;
  /** Its own `http://127.0.0.1:PORT/mcp`, bypassing the load balancer. */
  readonly url: string;
  readonly port: number;
  readonly exited: Promise<number | string>;
  /** What it printed lately. */
  log(): string;
  stop(): Promise<void>;
}

/** How to start replicas. */
export interface ReplicaOptions {
  /** The server bin (dist/server.js or a test bundle). */
  readonly serverScript: string;
  readonly serverArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Program and leading arguments that run the script (default: this Node). */
  readonly command?: readonly string[];
}

/** Starts one replica against `redisUrl`. */
export declare function startReplica(options: ReplicaOptions & { redisUrl: string; name: string }): Promise<RunningReplica>;

/** Redis, the replicas r1..rN and haproxy in front of them. */
export interface RunningReplicatedService {
  /** The load balancer's `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  readonly redis: RunningRedisServer;
  readonly replicas: readonly RunningReplica[];
  stop(): Promise<void>;
}

/** Starts Redis (with an append-only file when `persistentRedis`), the replicas and haproxy round robin. */
export declare function startReplicatedService(
  options: Omit<ReplicaOptions, 'env'> & { replicas?: number; persistentRedis?: boolean; env?: NodeJS.ProcessEnv | ((replica: string) => NodeJS.ProcessEnv) },
): Promise<RunningReplicatedService>;
