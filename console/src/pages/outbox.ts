import type { DeadLetter, Outbox } from '../api.ts';
import type { LiveEvents } from '../api-types.ts';
import { DepthChart } from '../chart.ts';
import { age, count, h, replace, when } from '../dom.ts';
import { confirmAction, debounce, figure, messageOf, Notice, Pager, table } from '../ui.ts';
import type { PageContext, PageView } from './page.ts';

/** The outbox now, as the live stream sends it. */
type OutboxDepth = LiveEvents['outbox'];

const PENDING_PAGE = 50;
const DEAD_PAGE = 20;

function depthTable(depth: OutboxDepth): HTMLElement {
  return table(
    'Outbox by partner',
    ['Partner', 'Waiting', 'Oldest waiting', 'Dead letters'],
    depth.partners.map((p) => [
      p.partnerId,
      count(p.pending),
      p.oldestAgeSeconds === undefined ? '—' : age(p.oldestAgeSeconds),
      count(p.deadLetters),
    ]),
    'nothing waits for any partner',
  );
}

function pendingTable(entries: Outbox['entries']): HTMLElement {
  return table(
    'Messages waiting',
    ['Id', 'Partner', 'Kind', 'Request', 'Queued', 'Attempts', 'Last error'],
    entries.map((e) => [
      e.id,
      e.partnerId,
      e.kind,
      h('code', {}, `${e.method} ${e.url}`),
      when(e.createdAt),
      String(e.attempts),
      e.lastError ?? '',
    ]),
    'no messages wait',
  );
}

/**
 * Outbox: how much waits for each partner and since when, the last hour's depth, the
 * waiting messages and the dead letters a page at a time (the node pages: a long outbox
 * costs the page nothing), and replaying dead letters, one or all.
 */
export function outboxPage({ api, live }: PageContext): PageView {
  const notice = new Notice();
  const totals = h('div', { class: 'figures' });
  const byPartner = h('div', {});
  const chart = new DepthChart();
  const partnerFilter = h(
    'select',
    { id: 'outbox-partner', name: 'partner' },
    h('option', { value: '' }, 'All partners'),
  );
  const pendingList = h('div', {});
  const deadList = h('div', {});
  const pendingPager = new Pager('messages waiting', PENDING_PAGE, () => void loadPages());
  const deadPager = new Pager('dead letters', DEAD_PAGE, () => void loadPages());
  const replayAll = h(
    'button',
    { type: 'button', class: 'danger', onClick: () => void replayEverything() },
    'Replay all dead letters',
  );

  const showDepth = (depth: OutboxDepth) => {
    replace(
      totals,
      figure('messages waiting', count(depth.pending)),
      figure('dead letters', count(depth.deadLetters)),
    );
    replace(byPartner, depthTable(depth));
    const chosen = partnerFilter.value;
    replace(
      partnerFilter,
      h('option', { value: '' }, 'All partners'),
      ...depth.partners.map((p) =>
        h('option', { value: p.partnerId, selected: p.partnerId === chosen }, p.partnerId),
      ),
    );
  };

  const loadDepth = async () => {
    const depth = await api.outboxDepth();
    showDepth(depth);
    chart.set(depth.history.concat({ at: depth.at, pending: depth.pending, deadLetters: depth.deadLetters }));
  };

  const loadPages = async () => {
    try {
      const partner = partnerFilter.value || undefined;
      const page = (offset: number, limit: number) => ({ offset, limit, ...(partner ? { partner } : {}) });
      const outbox = await api.outbox(page(pendingPager.offset, PENDING_PAGE));
      const dead = await api.deadLetters(page(deadPager.offset, DEAD_PAGE));
      replace(pendingList, pendingTable(outbox.entries));
      pendingPager.show(outbox.pending);
      replace(deadList, deadTable(dead));
      deadPager.show(outbox.deadLetters);
      replayAll.disabled = outbox.deadLetters === 0;
    } catch (err) {
      notice.show('error', `Could not read the outbox: ${messageOf(err)}`);
    }
  };

  const deadTable = (letters: DeadLetter[]) =>
    table(
      'Dead letters',
      ['Id', 'Partner', 'Kind', 'Request', 'Given up', 'Attempts', 'Reason', 'Action'],
      letters.map((d) => [
        d.id,
        d.partnerId,
        d.kind,
        h('code', {}, `${d.method} ${d.url}`),
        when(d.deadAt),
        String(d.attempts),
        d.lastError ?? '',
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'aria-label': `Replay dead letter ${d.id}`,
            onClick: () => void replayOne(d.id),
          },
          'Replay',
        ),
      ]),
      'no dead letters',
    );

  const replayOne = async (id: string) => {
    if (
      !(await confirmAction(`Send dead letter ${id} again? It goes back to the outbox, due now.`, 'Replay'))
    )
      return;
    try {
      await api.replay(id);
      notice.show('ok', `Dead letter ${id} is back in the outbox.`);
    } catch (err) {
      notice.show('error', `Replaying ${id} failed: ${messageOf(err)}`);
    }
    await Promise.all([loadDepth(), loadPages()]);
  };

  const replayEverything = async () => {
    if (
      !(await confirmAction(
        'Send every dead letter again? They go back to the outbox, due now.',
        'Replay all',
      ))
    )
      return;
    try {
      const { replayed } = await api.replayAll();
      notice.show('ok', `${count(replayed)} dead letters are back in the outbox.`);
    } catch (err) {
      notice.show('error', `Replaying failed: ${messageOf(err)}`);
    }
    await Promise.all([loadDepth(), loadPages()]);
  };

  partnerFilter.addEventListener('change', () => {
    pendingPager.offset = 0;
    deadPager.offset = 0;
    void loadPages();
  });

  const refreshPages = debounce(() => void loadPages(), 2000);
  const offs = [
    live.on('outbox', (depth) => {
      showDepth(depth);
      chart.add({ at: depth.at, pending: depth.pending, deadLetters: depth.deadLetters });
      refreshPages();
    }),
    live.on('delivery', (notice) => {
      if (notice.outcome === 'dead-lettered') refreshPages();
    }),
  ];
  void loadDepth().catch((err: unknown) =>
    notice.show('error', `Could not read the outbox: ${messageOf(err)}`),
  );
  void loadPages();

  const element = h(
    'section',
    {},
    h('h1', {}, 'Outbox'),
    notice.element,
    totals,
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'depth-title' },
      h('h2', { id: 'depth-title' }, 'Depth over the last hour'),
      chart.element,
      byPartner,
    ),
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'pending-title' },
      h('h2', { id: 'pending-title' }, 'Messages waiting'),
      h('div', { class: 'field inline' }, h('label', { for: 'outbox-partner' }, 'Partner'), partnerFilter),
      pendingList,
      pendingPager.element,
    ),
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'dead-title' },
      h('h2', { id: 'dead-title' }, 'Dead letters'),
      replayAll,
      deadList,
      deadPager.element,
    ),
  );
  return {
    title: 'Outbox',
    element,
    dispose: () => {
      for (const off of offs) off();
      chart.destroy();
    },
  };
}
