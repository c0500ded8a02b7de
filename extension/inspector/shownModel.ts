import type { InspectorModelReader, InspectorSnapshot, ModelChange, SourcedEvent, WarningView } from '../contract/inspectorSnapshot';
import { recordingOf } from './recording';
import { replayRecording } from './replayRecording';
import { realClock, type Clock } from './throttle';

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
 * same views show a recording without knowing it is one. Advice on the shown history (`advise`) leads its warnings,
 * worked out again at most once per `adviceIntervalMs`, since it reads the whole history. A time cursor (`scrubTo`)
 * makes `snapshot()` the state at that instant (holders, queues in order, warnings so far), rebuilt from history.
 */
export class ShownModel implements InspectorModelReader {
  private replay: ShownReplay | undefined;
  private readonly listeners = new Set<(change: ModelChange) => void>();
  private unsubscribeLive: (() => void) | undefined;
  private advice: { readonly shown: ShownReplay | undefined; readonly atMs: number; readonly warnings: readonly WarningView[] } | undefined;
  private cursor: { readonly atMs: number; snapshot?: InspectorSnapshot } | undefined;

  constructor(
    private readonly live: InspectorModelReader,
    private readonly advise: (history: readonly SourcedEvent[]) => readonly WarningView[] = () => [],
    private readonly adviceIntervalMs = 2000,
    private readonly clock: Clock = realClock,
  ) {}

  /** The replay shown now, or undefined when the views show the live model. */
  get shownReplay(): ShownReplay | undefined {
    return this.replay;
  }

  /** Shows `replay` in place of the live model, or the live model again with undefined. */
  show(replay: ShownReplay | undefined): void {
    this.replay = replay;
    this.cursor = undefined;
    const change: ModelChange = { snapshot: this.snapshot(), events: this.history(), cleared: true };
    for (const listener of [...this.listeners]) listener(change);
  }

  /** The time cursor, or undefined when the views show the latest state. */
  get cursorMs(): number | undefined {
    return this.cursor?.atMs;
  }

  /**
   * Puts the time cursor at `atMs` (undefined takes it away). Listeners get a change without events whose snapshot is
   * still the latest (so the timeline keeps following time); `snapshot()` answers for the cursor.
   */
  scrubTo(atMs: number | undefined): void {
    this.cursor = atMs === undefined ? undefined : { atMs };
    const change: ModelChange = { snapshot: (this.replay ?? this.live).snapshot(), events: [], cleared: false };
    for (const listener of [...this.listeners]) listener(change);
  }

  snapshot(): InspectorSnapshot {
    if (this.cursor) return (this.cursor.snapshot ??= this.stateAt(this.cursor.atMs));
    const snapshot = (this.replay ?? this.live).snapshot();
    const advice = this.currentAdvice();
    return advice.length === 0 ? snapshot : { ...snapshot, warnings: [...advice, ...snapshot.warnings] };
  }

  history(): readonly SourcedEvent[] {
    return (this.replay ?? this.live).history();
  }

  private stateAt(atMs: number): InspectorSnapshot {
    return { ...replayRecording(recordingOf(this.replay ?? this.live), atMs).snapshot(), stateAtMs: atMs };
  }

  private currentAdvice(): readonly WarningView[] {
    const nowMs = this.clock.now();
    const cached = this.advice;
    if (cached && cached.shown === this.replay && nowMs - cached.atMs < this.adviceIntervalMs) return cached.warnings;
    this.advice = { shown: this.replay, atMs: nowMs, warnings: this.advise(this.history()) };
    return this.advice.warnings;
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
