import type { SessionDetail, SessionRow } from '../api.ts';
import { h, money, replace, when } from '../dom.ts';
import { sessionChart } from '../session-chart.ts';
import { debounce, messageOf, Notice, table } from '../ui.ts';
import { filterSelect, PagedList, statusTag, whose } from './list.ts';
import type { PageContext, PageView } from './page.ts';

const PAGE = 20;
const STATUSES = ['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION'] as const;

function facts(detail: SessionDetail): HTMLElement {
  const s = detail.session;
  const pairs: Array<[string, string]> = [
    ['Status', s.status],
    ['CPO', `${s.party} (${whose(s.owner)})`],
    ['Location / EVSE', `${s.locationId} / ${s.evseUid}`],
    ['Started', when(s.start)],
    ['Ended', s.end ? when(s.end) : 'still charging'],
    ['Energy', `${s.kwh} kWh`],
    ['Cost incl. VAT', s.cost === undefined ? '—' : money(s.cost, s.currency)],
    [
      'Charging profile limit',
      detail.limit?.steps.length
        ? detail.limit.steps
            .map((step) => `${step.limit} ${detail.limit?.unit} from ${when(step.at)}`)
            .join(', ')
        : 'none',
    ],
  ];
  return h(
    'dl',
    { class: 'facts' },
    ...pairs.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

/**
 * Sessions: live and recent ones, ours and partners', paged by the node; one's detail with
 * its energy and power over time and the limit of its charging profile when it has one.
 * Changes (a charging period, the end) arrive by the live stream without reloading.
 */
export function sessionsPage({ api, live }: PageContext): PageView {
  const notice = new Notice();
  const filter = filterSelect('session-status', 'Status', 'All statuses', STATUSES, () => list.restart());
  const detailCard = h('section', { class: 'card wide', 'aria-labelledby': 'session-title', hidden: true });
  let shown: SessionRow | undefined;
  let chart: { destroy(): void } | undefined;

  const showDetail = async (row: SessionRow) => {
    shown = row;
    try {
      const detail = await api.sessionDetail(row);
      chart?.destroy();
      const drawn = sessionChart(detail);
      chart = drawn;
      replace(
        detailCard,
        h('h2', { id: 'session-title', tabindex: '-1' }, `Session ${row.id}`),
        facts(detail),
        drawn.element,
      );
      const wasHidden = detailCard.hidden;
      detailCard.hidden = false;
      if (wasHidden) document.getElementById('session-title')?.focus();
    } catch (err) {
      notice.show('error', `Could not read session ${row.id}: ${messageOf(err)}`);
    }
  };

  const list: PagedList<SessionRow> = new PagedList({
    name: 'sessions',
    size: PAGE,
    notice,
    fetch: (page) => api.sessions(page),
    filters: () => ({ status: filter.select.value }),
    render: (sessions) =>
      table(
        'Sessions',
        [
          'Session',
          'CPO',
          'Status',
          'Started',
          'Ended',
          'kWh',
          'Cost incl. VAT',
          'Location / EVSE',
          'Detail',
        ],
        sessions.map((s) => [
          s.id,
          `${s.party} (${whose(s.owner)})`,
          statusTag(s.status),
          when(s.start),
          s.end ? when(s.end) : '—',
          String(s.kwh),
          s.cost === undefined ? '—' : money(s.cost, s.currency),
          `${s.locationId} / ${s.evseUid}`,
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': `Show session ${s.id}`,
              onClick: () => void showDetail(s),
            },
            'Show',
          ),
        ]),
        filter.select.value ? `no ${filter.select.value} sessions` : 'no sessions yet',
      ),
  });

  const refreshDetail = debounce(() => {
    if (shown) void showDetail(shown);
  }, 500);
  const onChange = (change: { module: string; id?: string }) => {
    if (change.module !== 'sessions') return;
    list.refresh();
    if (shown && (change.id === undefined || change.id === shown.id)) refreshDetail();
  };
  const offs = [live.on('published', onChange), live.on('received', onChange)];
  void list.load();
  const element = h(
    'section',
    {},
    h('h1', {}, 'Sessions'),
    notice.element,
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'sessions-title' },
      h('h2', { id: 'sessions-title' }, 'Live and recent sessions'),
      filter.element,
      list.element,
    ),
    detailCard,
  );
  return {
    title: 'Sessions',
    element,
    dispose: () => {
      for (const off of offs) off();
      chart?.destroy();
    },
  };
}
