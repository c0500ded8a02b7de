// How often the views redraw from the model, which itself changes at most every DEFAULT_NOTIFY_INTERVAL_MS.
import { DEFAULT_NOTIFY_INTERVAL_MS } from '../../inspector/inspectorModel';

/**
 * The sidebar takes at most one snapshot per model interval: one per live change (waiting longer would put it behind
 * the timeline), and no more while a dragged time cursor changes what the shown model holds faster than that.
 */
export const SIDEBAR_SNAPSHOT_INTERVAL_MS = DEFAULT_NOTIFY_INTERVAL_MS;

/** Code lenses refresh at most twice a second: each refresh re-renders every lens of every visible editor. */
export const LENS_REFRESH_INTERVAL_MS = 500;
