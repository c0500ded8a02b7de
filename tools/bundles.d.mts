// Types for bundles.mjs, which stays plain JavaScript like the other tools.
import type { BuildOptions, Plugin } from 'esbuild';

/** Names of the project's bundles. */
export type BundleName = 'extension' | 'server' | 'cli' | 'locksCjs' | 'locksEsm' | 'mcpCjs' | 'mcpEsm' | 'registerEsm' | 'registerCjs' | 'preloadActiveEsm' | 'preloadActiveCjs' | 'redisCjs' | 'redisEsm' | 'webview';

/** How to build: where, minified or not, with which extra plugins. */
export interface BundleBuildOptions {
  readonly outdir?: string;
  readonly production?: boolean;
  readonly plugins?: Plugin[];
}

/** Every bundle, by name. */
export declare const bundles: Record<BundleName, BuildOptions>;

/** esbuild options for the named bundle written under `outdir`. */
export declare function bundleOptions(name: BundleName, options?: BundleBuildOptions): BuildOptions;

/** Builds the named bundles into `outdir` (default all of them into dist/). */
export declare function buildBundles(names?: readonly BundleName[], options?: BundleBuildOptions): Promise<void>;
