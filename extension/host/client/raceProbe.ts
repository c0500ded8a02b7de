import type { InspectorModelReader } from '../../contract/inspectorSnapshot';
import type { LostUpdateEvent } from '../../contract/lockEvents';

/** How long after a burst its last lost updates may still be on their way (reporter batching, model coalescing). */
export const LOST_UPDATE_SETTLE_MS = 250;

/** Watches the model during a burst of calls and collects the lost updates it reports. */
export class RaceProbe {
  private readonly seen: LostUpdateEvent[] = [];
  private readonly unsubscribe: () => void;

  constructor(model: Pick<InspectorModelReader, 'subscribe'>) {
    this.unsubscribe = model.subscribe((change) => {
      for (const event of change.events) if (event.type === 'lostUpdate') this.seen.push(event);
    });
  }

  /** Waits `settleMs` for late reports, stops watching and returns what it saw. */
  async finish(settleMs = LOST_UPDATE_SETTLE_MS): Promise<readonly LostUpdateEvent[]> {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    this.unsubscribe();
    return this.seen;
  }
}
