import type { Page } from '../api.ts';
import { h, replace } from '../dom.ts';
import { debounce, messageOf, type Notice, Pager } from '../ui.ts';

/** A labelled drop-down that filters a list: '' is "all". */
export function filterSelect(
  id: string,
  label: string,
  all: string,
  options: readonly string[],
  onChange: () => void,
): { element: HTMLElement; select: HTMLSelectElement } {
  const select = h(
    'select',
    { id, name: id, onChange },
    h('option', { value: '' }, all),
    ...options.map((value) => h('option', { value }, value)),
  );
  return {
    select,
    element: h('div', { class: 'field inline' }, h('label', { for: id }, label), select),
  };
}

/** Whose an object is: ours, or the partner's that pushed it ('partner:<id>'). */
export const whose = (owner: string) => (owner === 'own' ? 'ours' : `from ${owner.replace(/^partner:/, '')}`);

/** A status as a coloured tag: green when usable, red when broken, amber between. */
export function statusTag(status: string): HTMLElement {
  const kind = /^(AVAILABLE|ACTIVE|COMPLETED|online)$/.test(status)
    ? 'ok'
    : /^(OUTOFORDER|INOPERATIVE|INVALID|REMOVED|offline)$/.test(status)
      ? 'bad'
      : 'warn';
  return h('span', { class: `tag ${kind}` }, status);
}

/**
 * A list the node pages: the page's rows as a table, Previous / Next, the filters the
 * page adds to the request, and `refresh` for live events (at most once per `ms`).
 */
export class PagedList<T> {
  readonly element: HTMLElement;
  readonly pager: Pager;
  readonly refresh: () => void;
  private readonly body = h('div', {}, h('p', {}, 'Loading…'));

  constructor(
    private readonly options: {
      name: string;
      size: number;
      notice: Notice;
      fetch: (page: Page) => Promise<{ total: number; items: T[] }>;
      render: (items: T[]) => HTMLElement;
      filters?: () => Record<string, string>;
      refreshMs?: number;
    },
  ) {
    this.pager = new Pager(options.name, options.size, () => void this.load());
    this.element = h('div', {}, this.body, this.pager.element);
    this.refresh = debounce(() => void this.load(), options.refreshMs ?? 500);
  }

  /** From the first page again (a filter changed). */
  restart(): void {
    this.pager.offset = 0;
    void this.load();
  }

  async load(): Promise<void> {
    try {
      const page = await this.options.fetch({
        offset: this.pager.offset,
        limit: this.options.size,
        ...this.options.filters?.(),
      });
      replace(this.body, this.options.render(page.items));
      this.pager.show(page.total);
    } catch (err) {
      this.options.notice.show('error', `Could not read the ${this.options.name}: ${messageOf(err)}`);
    }
  }
}
