/** Anything that releases resources when disposed; `vscode.Disposable` is one. */
export interface IDisposable {
  dispose(): void;
}

/** Disposes every item, even when some throw; rethrows the error (or an AggregateError of all of them) afterwards. */
export function disposeAll(disposables: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const disposable of disposables) {
    try {
      disposable.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'Several disposables failed while disposing');
}

/** Base for objects that own other disposables: register them with `_register()` and they go when this goes. */
export abstract class Disposable implements IDisposable {
  #isDisposed = false;
  private readonly disposables: IDisposable[] = [];

  /** Disposes everything registered, newest first, once. */
  public dispose(): void {
    if (this.#isDisposed) return;
    this.#isDisposed = true;
    disposeAll(this.disposables.splice(0).reverse());
  }

  /** Ties `value` to this object's lifetime; disposes it at once if this object is already disposed. */
  protected _register<T extends IDisposable>(value: T): T {
    if (this.#isDisposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }

  /** True once dispose() ran. */
  protected get isDisposed(): boolean {
    return this.#isDisposed;
  }
}
