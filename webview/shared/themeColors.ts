/** Resolves CSS colour expressions (`var(--vscode-...)`, `color-mix(...)`) to concrete colours a canvas understands. */
export class CssColorResolver {
  readonly #probe: HTMLElement;
  readonly #pixel = document.createElement('canvas').getContext('2d', { willReadFrequently: true });

  constructor(parent: HTMLElement = document.body) {
    this.#probe = document.createElement('span');
    this.#probe.hidden = true;
    parent.append(this.#probe);
  }

  /**
   * The colour a CSS expression computes to, as `rgb()`/`rgba()`, or `fallback` when it resolves to nothing.
   * Computed colours can come back as `color(srgb ...)`, which a canvas parses slowly on every fillStyle; one
   * pixel drawn and read back turns any of them into plain rgb.
   */
  resolve(expression: string, fallback = 'rgb(128, 128, 128)'): string {
    this.#probe.style.color = '';
    this.#probe.style.color = expression;
    const color = getComputedStyle(this.#probe).color;
    if (this.#probe.style.color === '' || !color) return fallback;
    const pixel = this.#pixel;
    if (!pixel) return color;
    pixel.clearRect(0, 0, 1, 1);
    pixel.fillStyle = color;
    pixel.fillRect(0, 0, 1, 1);
    const [red, green, blue, alpha] = pixel.getImageData(0, 0, 1, 1).data;
    return alpha === 255 ? `rgb(${red}, ${green}, ${blue})` : `rgba(${red}, ${green}, ${blue}, ${((alpha ?? 0) / 255).toFixed(3)})`;
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
