// Types for packageVsix.mjs, which stays plain JavaScript like the other tools.

/** Builds the production bundles, packs the .vsix, restores the development build; resolves with the path of `<name>-<version>.vsix`. */
export declare function packageVsix(): Promise<string>;
