import type { EvseRow } from '../api.ts';
import { h, when } from '../dom.ts';
import { Notice, table } from '../ui.ts';
import { filterSelect, PagedList, statusTag } from './list.ts';
import type { PageContext, PageView } from './page.ts';

const PAGE = 25;
const STATUSES = [
  'AVAILABLE',
  'BLOCKED',
  'CHARGING',
  'INOPERATIVE',
  'OUTOFORDER',
  'PLANNED',
  'REMOVED',
  'RESERVED',
  'UNKNOWN',
] as const;

function connectors(evse: EvseRow): string {
  return evse.connectors
    .map((c) => `${c.id}: ${c.standard}${c.maxPower ? ` ${Math.round(c.maxPower / 1000)} kW` : ''}`)
    .join(', ');
}

/**
 * Locations: our EVSEs with their Location and live status, paged by the node, of one
 * status if chosen. A status that changes (a charger, a command, the admin API) shows
 * without reloading: the live stream says which object changed and the page reads again.
 */
export function locationsPage({ api, live }: PageContext): PageView {
  const notice = new Notice();
  const filter = filterSelect('evse-status', 'Status', 'All statuses', STATUSES, () => list.restart());
  const list: PagedList<EvseRow> = new PagedList({
    name: 'EVSEs',
    size: PAGE,
    notice,
    fetch: (page) => api.evses(page),
    filters: () => ({ status: filter.select.value }),
    render: (evses) =>
      table(
        'EVSEs',
        ['Location', 'Address', 'EVSE', 'EVSE ID', 'Status', 'Connectors', 'Updated'],
        evses.map((e) => [
          e.locationName ? `${e.locationName} (${e.locationId})` : e.locationId,
          e.address,
          e.uid,
          e.evseId ?? '—',
          statusTag(e.status),
          connectors(e),
          e.lastUpdated ? when(e.lastUpdated) : '—',
        ]),
        filter.select.value ? `no EVSE is ${filter.select.value}` : 'no EVSEs yet',
      ),
  });
  const off = live.on('published', (change) => {
    if (change.module === 'locations') list.refresh();
  });
  void list.load();
  const element = h(
    'section',
    {},
    h('h1', {}, 'Locations'),
    notice.element,
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'evses-title' },
      h('h2', { id: 'evses-title' }, 'EVSEs and their status'),
      filter.element,
      list.element,
    ),
  );
  return { title: 'Locations', element, dispose: off };
}
