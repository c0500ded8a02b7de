// Types for codeServer.mjs, which stays plain JavaScript so it runs before `npm ci`.

/** A running code-server. */
export interface RunningCodeServer {
  /** Base URL, ending in `/`. */
  readonly url: string;
  /** Kills the server's process group and removes its folders. */
  stop(): Promise<void>;
  /** The last lines the server printed. */
  logTail(): string;
}

/** How to launch code-server. */
export interface LaunchCodeServerOptions {
  /** Loopback port; 0 (default) picks a free one. */
  readonly port?: number;
  /** User settings, merged over the quiet defaults. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** .vsix files to install into the fresh extensions folder first. */
  readonly installExtensions?: readonly string[];
}

/** Launches code-server on 127.0.0.1 with throwaway state; resolves once it answers. */
export declare function launchCodeServer(options?: LaunchCodeServerOptions): Promise<RunningCodeServer>;

/** The workbench URL that opens `folder`, loads a development extension and runs a tests entry. */
export declare function workbenchUrl(
  serverUrl: string,
  options: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string },
): string;
