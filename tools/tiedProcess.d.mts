// Types for tiedProcess.mjs, which stays plain JavaScript like the other tools.
import type { SpawnOptions } from 'node:child_process';
import type { Readable } from 'node:stream';

/** A server started by `spawnTied`. */
export interface TiedProcess {
  /** The server's own PID (signal it directly), once started. */
  readonly pid: Promise<number>;
  /** Resolves with the exit code or signal once the server is gone. */
  readonly exited: Promise<number | string>;
  readonly stdout: Readable;
  readonly stderr: Readable;
}

/** Spawns `command args` so that it is SIGKILLed however this process ends. */
export declare function spawnTied(command: string, args: readonly string[], options?: Omit<SpawnOptions, 'stdio'>): TiedProcess;
