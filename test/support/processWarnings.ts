/** Collects the warnings the process emits while a test runs, as `Name: message` lines. */
export class ProcessWarnings {
  readonly #seen: Error[] = [];
  readonly #onWarning = (warning: Error): void => void this.#seen.push(warning);

  /** Starts listening (call in beforeEach). */
  start(): void {
    this.#seen.length = 0;
    process.on('warning', this.#onWarning);
  }

  /** Stops listening (call in afterEach). */
  stop(): void {
    process.off('warning', this.#onWarning);
  }

  /** The warnings so far, optionally of one name only; waits a tick, since process.emitWarning delivers on the next one (which fake clocks leave real). */
  async delivered(name?: string): Promise<string[]> {
    await new Promise((resolve) => process.nextTick(resolve));
    return this.#seen.filter((warning) => name === undefined || warning.name === name).map((warning) => `${warning.name}: ${warning.message}`);
  }
}
