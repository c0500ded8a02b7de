import type { LockFrame, LockOwner } from 'mcp-lock-inspector/locks';

/** Task statuses after which no work of the task runs (both task vocabularies, 2025-11-25 and the 2026-07-28 extension). */
const TERMINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);

/** The task a tool call turned into, as its result names it (`{ resultType: 'task', task }` or 2025's `{ task }`). */
interface TaskOfResult {
  readonly taskId: string;
  readonly ttl?: number | null;
}

type MutableFrame = { owner: LockOwner | undefined; signals: readonly AbortSignal[] | undefined };

/**
 * The tasks whose work still runs in this process, by task id, so that a task's locks are owned by it and
 * `tasks/cancel` ends its waits. Process-wide: with a fresh server per request, `tasks/cancel` reaches a different
 * server instance than the call that made the task. Task ids are the server's own and unguessable, unlike request ids.
 */
export class TaskLockOwners {
  private readonly cancellers = new Map<string, AbortController>();
  // The work's frame going away (the task's promise chain ended and was collected) also ends the entry.
  private readonly collected = new FinalizationRegistry<string>((taskId) => this.cancellers.delete(taskId));

  /**
   * When `result` says the call became a task: from now on, locks taken in `frame` (the call's lock context, which
   * the task's work inherits) are owned by the task and cancelled by `tasks/cancel` instead of the finished call.
   */
  handOver(frame: LockFrame | undefined, callOwner: LockOwner, result: { [key: string]: unknown }): void {
    const task = taskOf(result);
    if (task === undefined || frame === undefined) return;
    const { requestId: _call, ...caller } = callOwner;
    const canceller = new AbortController();
    // The frame is the one this instrumentation opened for the call; nothing else holds it, and events already
    // reported keep the call's owner object, so only the task's later locks change hands.
    const mutable = frame as unknown as MutableFrame;
    mutable.owner = { ...caller, taskId: task.taskId, ...(typeof task.ttl === 'number' ? { taskTtlMs: task.ttl } : {}) };
    mutable.signals = [canceller.signal];
    this.cancellers.get(task.taskId)?.abort();
    this.cancellers.set(task.taskId, canceller);
    this.collected.register(frame, task.taskId);
  }

  /** `tasks/cancel` for `taskId`: its queued lock waits end with E_LOCK_ABORTED. */
  cancel(taskId: unknown): void {
    if (typeof taskId !== 'string') return;
    this.cancellers.get(taskId)?.abort(new Error(`task ${taskId} was cancelled (tasks/cancel)`));
    this.cancellers.delete(taskId);
  }

  /** A `tasks/get` answer: a task in a final status runs no more work, so it is forgotten. */
  observe(result: { [key: string]: unknown }): void {
    const task = (result.task ?? result) as { taskId?: unknown; status?: unknown };
    if (typeof task.taskId === 'string' && typeof task.status === 'string' && TERMINAL_STATUSES.has(task.status)) this.cancellers.delete(task.taskId);
  }

  /** How many tasks are tracked, for tests. */
  get size(): number {
    return this.cancellers.size;
  }
}

function taskOf(result: { [key: string]: unknown }): TaskOfResult | undefined {
  const task = result.task as { taskId?: unknown; ttl?: unknown } | undefined;
  if (typeof task?.taskId !== 'string') return undefined;
  if (result.resultType !== undefined && result.resultType !== 'task') return undefined;
  return { taskId: task.taskId, ttl: typeof task.ttl === 'number' ? task.ttl : null };
}

/** The process's one registry, shared by every instrumented server. */
export const taskLockOwners = new TaskLockOwners();
