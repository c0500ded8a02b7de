import type { InspectorModelReader, InspectorSnapshot, ModelChange, SourcedEvent } from '../contract/inspectorSnapshot';

/** A model the views can be pointed at instead of the live one: a replayed recording, at one instant. */
export interface ShownReplay {
  /** What the views call it, e.g. the recording's file name. */
  readonly label: string;
  snapshot(): InspectorSnapshot;
  history(): readonly SourcedEvent[];
}

/**
 * What the sidebar, the timeline, the lenses and the status bar read: the live model, or a replay shown in its
 * place. Switching hands every listener one change that clears what they drew and carries the shown history, so the
 * same views show a recording without knowing it is one.
 */
export class ShownModel implements InspectorModelReader {
  private replay: ShownReplay | undefined;
  private readonly listeners = new Set<(change: ModelChange) => void>();
  private unsubscribeLive: (() => void) | undefined;

  constructor(private readonly live: InspectorModelReader) {}

  /** The replay shown now, or undefined when the views show the live model. */
  get shownReplay(): ShownReplay | undefined {
    return this.replay;
  }

  /** Shows `replay` in place of the live model, or the live model again with undefined. */
  show(replay: ShownReplay | undefined): void {
    this.replay = replay;
    const change: ModelChange = { snapshot: this.snapshot(), events: this.history(), cleared: true };
    for (const listener of [...this.listeners]) listener(change);
  }

  snapshot(): InspectorSnapshot {
    return (this.replay ?? this.live).snapshot();
  }

  history(): readonly SourcedEvent[] {
    return (this.replay ?? this.live).history();
  }

  subscribe(listener: (change: ModelChange) => void): () => void {
    this.listeners.add(listener);
    this.unsubscribeLive ??= this.live.subscribe((change) => {
      if (this.replay) return;
      for (const each of [...this.listeners]) each(change);
    });
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0) return;
      this.unsubscribeLive?.();
      this.unsubscribeLive = undefined;
    };
  }
}
