import type { Charger } from '../api.ts';
import { h, replace, when } from '../dom.ts';
import { debounce, messageOf, Notice, table } from '../ui.ts';
import { statusTag } from './list.ts';
import type { PageContext, PageView } from './page.ts';

function bound(charger: Charger): string {
  const evses = Object.entries(charger.evses)
    .map(([connector, evse]) => `connector ${connector} → ${evse}`)
    .join(', ');
  return `${charger.locationId}: ${evses || 'connector n → its n-th EVSE'}`;
}

/**
 * Chargers (with the OCPP bridge only): each one's connection, OCPP version, last heartbeat
 * and the Location and EVSEs it is bound to. Read again when a charger connects or goes
 * away (the live stream says so) and when our EVSEs' status changes.
 */
export function chargersPage({ api, live }: PageContext): PageView {
  const notice = new Notice();
  const list = h('div', {}, h('p', {}, 'Loading…'));
  const load = async () => {
    try {
      const chargers = await api.chargers();
      replace(
        list,
        table(
          'Chargers',
          ['Charger', 'Connection', 'OCPP', 'Last heartbeat', 'Location and EVSEs'],
          chargers.map((c) => [
            c.id,
            statusTag(c.online ? 'online' : 'offline'),
            c.ocppVersion ?? '—',
            c.lastHeartbeat ? when(c.lastHeartbeat) : 'never',
            bound(c),
          ]),
          'no chargers yet: add one with `ocpi chargers add` or POST /admin/chargers',
        ),
      );
    } catch (err) {
      notice.show('error', `Could not read the chargers: ${messageOf(err)}`);
    }
  };
  const reload = debounce(() => void load(), 500);
  const offs = [
    live.on('chargers', reload),
    live.on('published', (change) => {
      if (change.module === 'locations') reload();
    }),
  ];
  void load();
  const element = h(
    'section',
    {},
    h('h1', {}, 'Chargers'),
    notice.element,
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'chargers-title' },
      h('h2', { id: 'chargers-title' }, 'OCPP chargers'),
      list,
    ),
  );
  return {
    title: 'Chargers',
    element,
    dispose: () => {
      for (const off of offs) off();
    },
  };
}
