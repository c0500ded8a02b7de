import { codicon, type CodiconName } from './codicons';

/** Attribute values; `false` and `undefined` leave the attribute out. */
type AttributeValue = string | number | boolean | undefined;
/** Children; falsy ones are skipped so conditional markup reads inline. */
type Child = Node | string | false | null | undefined;

/** Creates an element with attributes (`class` included) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, AttributeValue>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** A button with a codicon and, unless `iconOnly`, its label as text; the label is always its accessible name. */
export function iconButton(
  icon: CodiconName,
  label: string,
  onClick: (event: MouseEvent) => void,
  options: { readonly iconOnly?: boolean; readonly className?: string; readonly title?: string } = {},
): HTMLButtonElement {
  const button = el(
    'button',
    { type: 'button', class: options.className ?? (options.iconOnly ? 'icon-button' : 'button'), title: options.title ?? label, 'aria-label': options.iconOnly ? label : undefined },
    codicon(icon),
    !options.iconOnly && el('span', {}, label),
  );
  button.addEventListener('click', onClick);
  return button;
}

/** Sets text only when it changed, so rows redrawn some 30 times a second do not churn the DOM. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Whether the person asked the system for less motion. */
export function prefersReducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
