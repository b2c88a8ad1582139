import { type Child, count, h, replace } from './dom.ts';

/**
 * Asks before an action: a modal dialog (focus moves into it, Escape cancels) with the
 * action's own words on its button. Resolves true when confirmed.
 */
export function confirmAction(question: string, action: string): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = h(
      'button',
      { type: 'button', class: 'secondary', onClick: () => dialog.close('cancel') },
      'Cancel',
    );
    const confirm = h(
      'button',
      { type: 'button', class: 'danger', onClick: () => dialog.close('confirm') },
      action,
    );
    const title = h('h2', { id: 'confirm-title' }, 'Please confirm');
    const dialog = h(
      'dialog',
      { 'aria-labelledby': 'confirm-title', class: 'confirm' },
      title,
      h('p', {}, question),
      h('div', { class: 'actions' }, cancel, confirm),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** A message area announced to screen readers: errors in plain words, results of actions. */
export class Notice {
  readonly element = h('div', { class: 'notice', role: 'status', 'aria-live': 'polite' });

  show(kind: 'error' | 'ok', ...text: Child[]): void {
    this.element.className = `notice ${kind}`;
    replace(this.element, ...text);
  }

  clear(): void {
    this.element.className = 'notice';
    replace(this.element);
  }
}

/** A table with a caption (its accessible name) and a row per item; `empty` when none. */
export function table(caption: string, headers: string[], rows: Child[][], empty = 'None.'): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, `${caption}: ${empty}`);
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...headers.map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}

/** A labelled figure: a big number and what it counts. */
export function figure(label: string, value: Child, id?: string): HTMLElement {
  return h(
    'div',
    { class: 'figure' },
    h('span', { class: 'value', ...(id ? { id } : {}) }, value),
    h('span', { class: 'label' }, label),
  );
}

/** Calls `fn` at most once per `ms`, the last call winning: refetches on bursts of events. */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: number | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}

/** What went wrong, in the words of whoever threw. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Previous / next over a long list, read a page at a time from the node. */
export class Pager {
  readonly element = h('nav', { class: 'pager' });
  offset = 0;

  constructor(
    private readonly name: string,
    private readonly size: number,
    private readonly go: () => void,
  ) {}

  show(total: number): void {
    const from = total === 0 ? 0 : this.offset + 1;
    const to = Math.min(total, this.offset + this.size);
    replace(
      this.element,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          disabled: this.offset === 0,
          'aria-label': `Previous page of ${this.name}`,
          onClick: () => this.move(-this.size),
        },
        'Previous',
      ),
      h('span', {}, `${count(from)}–${count(to)} of ${count(total)}`),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          disabled: to >= total,
          'aria-label': `Next page of ${this.name}`,
          onClick: () => this.move(this.size),
        },
        'Next',
      ),
    );
    this.element.setAttribute('aria-label', `Pages of ${this.name}`);
  }

  private move(by: number): void {
    this.offset = Math.max(0, this.offset + by);
    this.go();
  }
}
