import type { Overview } from '../api.ts';
import { count, h, replace } from '../dom.ts';
import { debounce, figure, messageOf, Notice, table } from '../ui.ts';
import type { PageContext, PageView } from './page.ts';

function nodeCard(node: Overview['node']): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'node-title' },
    h('h2', { id: 'node-title' }, 'This node'),
    h(
      'dl',
      {},
      h('dt', {}, 'Versions URL'),
      h('dd', {}, h('code', {}, node.versionsUrl)),
      h('dt', {}, 'OCPI versions'),
      h('dd', {}, node.versions.join(', ')),
      h('dt', {}, 'Parties'),
      h(
        'dd',
        {},
        h(
          'ul',
          { class: 'plain' },
          ...node.parties.map((p) =>
            h('li', {}, `${p.countryCode}*${p.partyId} `, h('span', { class: 'tag' }, p.role), ` ${p.name}`),
          ),
        ),
      ),
    ),
  );
}

function healthCard(readiness: Overview['readiness']): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'health-title' },
    h('h2', { id: 'health-title' }, 'Health'),
    h(
      'p',
      { class: readiness.ready ? 'state ok' : 'state bad' },
      readiness.ready
        ? 'Ready: the store answers and is up to date.'
        : `Not ready: ${readiness.reason ?? 'unknown reason'}`,
    ),
  );
}

function countsCard(counts: Overview['counts']): HTMLElement {
  const evses = Object.entries(counts.evses).sort(([a], [b]) => a.localeCompare(b));
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'counts-title' },
    h('h2', { id: 'counts-title' }, 'What the node holds'),
    h(
      'div',
      { class: 'figures' },
      figure('partners registered', count(counts.partners.registered)),
      figure('handshakes pending', count(counts.partners.pending)),
      figure('locations', count(counts.locations)),
      figure('live sessions', count(counts.liveSessions)),
      figure('messages in the outbox', count(counts.outboxPending), 'overview-outbox'),
      figure('dead letters', count(counts.deadLetters), 'overview-dead'),
    ),
    table(
      'EVSEs by status',
      ['Status', 'EVSEs'],
      evses.map(([status, n]) => [status, count(n)]),
      'no EVSEs yet',
    ),
  );
}

/** Overview: who the node is, whether it is ready, what it holds; kept current by live events. */
export function overviewPage({ api, live }: PageContext): PageView {
  const notice = new Notice();
  const body = h('div', { class: 'cards' }, h('p', {}, 'Loading…'));
  const element = h('section', {}, h('h1', {}, 'Overview'), notice.element, body);
  const load = async () => {
    try {
      const overview = await api.overview();
      replace(body, nodeCard(overview.node), healthCard(overview.readiness), countsCard(overview.counts));
    } catch (err) {
      notice.show('error', `Could not read the overview: ${messageOf(err)}`);
    }
  };
  const reload = debounce(() => void load(), 1000);
  const offs = [
    live.on('outbox', (depth) => {
      const pending = document.getElementById('overview-outbox');
      const dead = document.getElementById('overview-dead');
      if (pending) pending.textContent = count(depth.pending);
      if (dead) dead.textContent = count(depth.deadLetters);
    }),
    live.on('partners', reload),
    live.on('received', reload),
  ];
  void load();
  return {
    title: 'Overview',
    element,
    dispose: () => {
      for (const off of offs) off();
    },
  };
}
