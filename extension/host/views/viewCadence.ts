// How often the views redraw from the model, which itself changes at most 20 times a second.

/** A sidebar sent a snapshot at most every 100 ms looks the same as one sent 20 a second, and clones half as many. */
export const SIDEBAR_SNAPSHOT_INTERVAL_MS = 100;

/** Code lenses refresh at most twice a second: each refresh re-renders every lens of every visible editor. */
export const LENS_REFRESH_INTERVAL_MS = 500;
