// Types for nodeLines.mjs, which stays plain JavaScript like the other tools.

/** One installed Node release line. */
export interface NodeLine {
  readonly line: number;
  readonly version: string;
  readonly binary: string;
}

/** The exact version of each LTS line beside the machine's own Node. */
export declare const nodeLineVersions: Readonly<Record<number, string>>;

/** Path of the `node` binary of an installed version. */
export declare function nodeLineBinary(version: string): string;

/** Installs every line of `nodeLineVersions` not yet there; resolves to each installed line, oldest first. */
export declare function ensureNodeLines(): Promise<NodeLine[]>;
