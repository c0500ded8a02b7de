import { fitMiddle } from './format';

/** Cuts labels in the middle to fit a width in an element's font (measured on a canvas), remembering what it fitted. */
export class MiddleTruncator {
  readonly #context = document.createElement('canvas').getContext('2d');
  readonly #fitted = new Map<string, string>();
  #font = '';

  /** `text` as it fits `widthPx` in `element`'s font. */
  fit(element: Element, text: string, widthPx: number): string {
    const context = this.#context;
    if (!context || widthPx <= 0) return text;
    // Chromium computes the `font` shorthand as '' when a longhand has no shorthand form; build it from the parts.
    const style = getComputedStyle(element);
    const font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    if (font !== this.#font) {
      this.#font = context.font = font;
      this.#fitted.clear();
    }
    const key = `${Math.floor(widthPx)}\u0000${text}`;
    let fitted = this.#fitted.get(key);
    if (fitted === undefined) {
      fitted = fitMiddle(text, widthPx, (candidate) => context.measureText(candidate).width);
      // Names churn with the resources; a bounded memory is enough for the rows in view.
      if (this.#fitted.size > 5_000) this.#fitted.clear();
      this.#fitted.set(key, fitted);
    }
    return fitted;
  }
}
