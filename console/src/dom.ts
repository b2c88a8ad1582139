/** What an element may hold: nodes and text (never HTML: text is always text). */
export type Child = Node | string | number | null | undefined | false;

type AttributeValue = string | number | boolean | undefined;
/** The listeners the page uses; any other attribute is set as text. */
interface Listeners {
  onClick?: (event: MouseEvent) => void;
  onSubmit?: (event: SubmitEvent) => void;
  onChange?: (event: Event) => void;
}
export type Attributes = { [name: string]: AttributeValue | ((event: never) => void) } & Listeners;

/**
 * Creates an element: attributes (true for a bare one, false or undefined for none),
 * listeners as onClick/onSubmit/..., and children appended as nodes or text nodes. The page
 * is built with this only: no innerHTML, so nothing a partner sends can become markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  const { onClick, onSubmit, onChange, ...plain } = attributes;
  const target: HTMLElement = element;
  if (onClick) target.addEventListener('click', onClick);
  if (onSubmit) target.addEventListener('submit', onSubmit);
  if (onChange) target.addEventListener('change', onChange);
  for (const [name, value] of Object.entries(plain)) {
    if (typeof value === 'function' || value === false || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what an element holds. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A number as people read it (1,234). */
export const count = (n: number) => n.toLocaleString('en');

/** An age in seconds as "3 s", "4 min", "2 h 5 min". */
export function age(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  const hours = Math.floor(seconds / 3600);
  return `${hours} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** An ISO time as local date and time. */
export const when = (iso: string) => new Date(iso).toLocaleString('en-GB');

/** An amount of money as people read it (EUR 12.35). */
export const money = (amount: number, currency = '') =>
  `${currency} ${amount.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`.trim();
