import type { CdrRow } from '../api.ts';
import { h, money, when } from '../dom.ts';
import { Notice, table } from '../ui.ts';
import { PagedList, whose } from './list.ts';
import type { PageContext, PageView } from './page.ts';

const PAGE = 20;

const hours = (h: number) => `${h.toLocaleString('en', { maximumFractionDigits: 2 })} h`;
const price = (amount: number | undefined, currency: string) =>
  amount === undefined ? '—' : money(amount, currency);

/**
 * CDRs: the charge detail records, ours and partners', latest first and paged by the node,
 * with what they charged: energy, time, and the total cost without and with VAT. A new
 * CDR shows without reloading.
 */
export function cdrsPage({ api, live }: PageContext): PageView {
  const notice = new Notice();
  const list = new PagedList<CdrRow>({
    name: 'CDRs',
    size: PAGE,
    notice,
    fetch: (page) => api.cdrs(page),
    render: (cdrs) =>
      table(
        'CDRs',
        [
          'CDR',
          'CPO',
          'Started',
          'Ended',
          'Location / EVSE',
          'Energy',
          'Time',
          'Parking',
          'Cost excl. VAT',
          'Cost incl. VAT',
        ],
        cdrs.map((c) => [
          c.id,
          `${c.party} (${whose(c.owner)})`,
          when(c.start),
          when(c.end),
          `${c.locationId} / ${c.evseUid}`,
          `${c.energy} kWh`,
          hours(c.time),
          c.parkingTime === undefined ? '—' : hours(c.parkingTime),
          price(c.exclVat, c.currency),
          price(c.inclVat, c.currency),
        ]),
        'no CDRs yet',
      ),
  });
  const onChange = (change: { module: string }) => {
    if (change.module === 'cdrs') list.refresh();
  };
  const offs = [live.on('published', onChange), live.on('received', onChange)];
  void list.load();
  const element = h(
    'section',
    {},
    h('h1', {}, 'CDRs'),
    notice.element,
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'cdrs-title' },
      h('h2', { id: 'cdrs-title' }, 'Charge detail records'),
      list.element,
    ),
  );
  return {
    title: 'CDRs',
    element,
    dispose: () => {
      for (const off of offs) off();
    },
  };
}
