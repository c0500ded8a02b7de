/** How many documents' analyses are kept; more than anyone has open, few enough to stay small. */
const DEFAULT_CAPACITY = 64;

/**
 * Keeps the latest result computed for each document, keyed by its URI and reused while its version is unchanged;
 * the least recently used document is forgotten first.
 */
export class AnalysisCache<T> {
  private readonly entries = new Map<string, { readonly version: number; readonly value: T }>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The cached value for this version of the document, or the one `compute` returns (then cached). */
  get(uri: string, version: number, compute: () => T): T {
    const entry = this.entries.get(uri);
    this.entries.delete(uri);
    const value = entry?.version === version ? entry.value : compute();
    this.entries.set(uri, { version, value });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /** The cached value for a document, whatever its version. */
  peek(uri: string): T | undefined {
    return this.entries.get(uri)?.value;
  }

  /** Forgets a document (closed, deleted). */
  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
