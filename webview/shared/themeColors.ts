/** Resolves CSS colour expressions (`var(--vscode-...)`, `color-mix(...)`) to concrete colours a canvas understands. */
export class CssColorResolver {
  readonly #probe: HTMLElement;

  constructor(parent: HTMLElement = document.body) {
    this.#probe = document.createElement('span');
    this.#probe.hidden = true;
    parent.append(this.#probe);
  }

  /** The computed `rgb()`/`rgba()` of a CSS colour expression, or `fallback` when it resolves to nothing. */
  resolve(expression: string, fallback = 'rgb(128, 128, 128)'): string {
    this.#probe.style.color = '';
    this.#probe.style.color = expression;
    const color = getComputedStyle(this.#probe).color;
    return this.#probe.style.color === '' || !color ? fallback : color;
  }

  /** The colour a custom property stands for, or `fallback` when the theme does not set it. */
  variable(name: string, fallback?: string): string {
    if (getComputedStyle(this.#probe).getPropertyValue(name).trim() === '') return fallback ?? this.resolve('currentColor');
    return this.resolve(`var(${name})`, fallback);
  }
}

/** Calls `onChange` when VS Code switches theme: it rewrites the variables on `<html>` and the theme class on `<body>`. */
export function onThemeChange(onChange: () => void): void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
