// Types for chromium.mjs, which stays plain JavaScript like the other tools.
import type { Browser } from 'playwright-core';

/** Starts headless Chromium with a fresh profile. */
export declare function launchChromium(): Promise<Browser>;
