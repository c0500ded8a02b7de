// The floor of the lock bench: the least work a correct promise mutex does, without owners, timeouts, events or context.

/** A ten-line FIFO promise mutex; what any lock's uncontended call is measured against. */
export class FloorMutex {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  /** Runs `fn` alone, after every earlier caller's `fn` has settled. */
  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.held) {
      this.held = true;
      return this.locked(fn);
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => this.locked(fn));
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return fn().then(
      (value) => (this.release(), value),
      (error: unknown) => {
        this.release();
        throw error;
      },
    );
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next === undefined) this.held = false;
    else next();
  }
}
