import type { LockEvent } from '../contract/lockEvents';
import { LOCK_SNAPSHOT_URI } from './instrumentMcpServer';

/** Where `notifications/resources/updated` go on SDK 2.x: `createMcpHandler(...).notify`, the `subscriptions/listen` streams. */
export interface ResourceUpdateNotifier {
  resourceUpdated(uri: string): void;
}

/**
 * Tells `subscriptions/listen` subscribers of `locks://snapshot` that it changed, at most once per `intervalMs`
 * (default 100 ms), for as long as the lock map has events. The 2026-07-28 spec has no `resources/subscribe`: change
 * notifications go out on the handler's listen streams, which no per-request server outlives, so call this once per
 * handler, beside `createMcpHandler`. Returns the function that stops it.
 */
export function publishLockSnapshotUpdates(
  notify: ResourceUpdateNotifier,
  locks: { subscribe(listener: (event: LockEvent) => void): () => void },
  intervalMs = 100,
): () => void {
  let timer: NodeJS.Timeout | undefined;
  const unsubscribe = locks.subscribe(() => {
    timer ??= setTimeout(() => {
      timer = undefined;
      notify.resourceUpdated(LOCK_SNAPSHOT_URI);
    }, intervalMs).unref();
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
    timer = undefined;
  };
}
