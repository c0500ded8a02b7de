// Types for redisServer.mjs, which stays plain JavaScript like the other tools.

/** A redis-server this process started, on 127.0.0.1 with a throwaway folder. */
export interface RunningRedisServer {
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Its working folder (removed by `stop()`). */
  readonly dir: string;
  readonly pid: number | undefined;
  /** Kills it with SIGKILL and starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Ends it (SIGTERM, then SIGKILL after 5 s) and removes its folder. */
  stop(): Promise<void>;
}

/** Starts redis-server; `persistent` turns on the append-only file (fsync always) so a restart keeps the data. */
export declare function startRedisServer(options?: { persistent?: boolean }): Promise<RunningRedisServer>;

/** A free TCP port on 127.0.0.1. */
export declare function freeLoopbackPort(): Promise<number>;
