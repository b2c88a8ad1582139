import { Api, ApiError, type Session } from './api.ts';
import { h, replace } from './dom.ts';
import { Live } from './live.ts';
import { cdrsPage } from './pages/cdrs.ts';
import { chargersPage } from './pages/chargers.ts';
import { commandsPage } from './pages/commands.ts';
import { locationsPage } from './pages/locations.ts';
import { outboxPage } from './pages/outbox.ts';
import { overviewPage } from './pages/overview.ts';
import type { PageContext, PageView } from './pages/page.ts';
import { partnersPage } from './pages/partners.ts';
import { sessionsPage } from './pages/sessions.ts';
import { messageOf, Notice } from './ui.ts';

/** The pages, by the hash that names them (#/partners); `shown` when only some nodes have it. */
const PAGES: Record<
  string,
  { label: string; open: (context: PageContext) => PageView; shown?: (session: Session) => boolean }
> = {
  overview: { label: 'Overview', open: overviewPage },
  partners: { label: 'Partners', open: partnersPage },
  outbox: { label: 'Outbox', open: outboxPage },
  commands: { label: 'Commands', open: commandsPage },
  locations: { label: 'Locations', open: locationsPage },
  sessions: { label: 'Sessions', open: sessionsPage },
  cdrs: { label: 'CDRs', open: cdrsPage },
  chargers: { label: 'Chargers', open: chargersPage, shown: (session) => session.ocppBridge },
};

const root = document.getElementById('app') ?? document.body;
let current: PageView | undefined;
let live: Live | undefined;

const api = new Api(() => signedOut('Your session has ended. Sign in again.'));

/** Back to the sign-in form, with nothing of the node left on screen. */
function signedOut(message?: string): void {
  current?.dispose();
  current = undefined;
  live?.close();
  live = undefined;
  showSignIn(message);
}

function showSignIn(message?: string): void {
  const notice = new Notice();
  if (message) notice.show('error', message);
  const token = h('input', {
    id: 'admin-token',
    name: 'token',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
  });
  const form = h(
    'form',
    {
      class: 'card sign-in',
      'aria-labelledby': 'sign-in-title',
      onSubmit: (event) => {
        event.preventDefault();
        void (async () => {
          try {
            const session = await api.signIn(token.value);
            token.value = '';
            showConsole(session);
          } catch (err) {
            token.value = '';
            notice.show(
              'error',
              err instanceof ApiError ? err.message : `Could not sign in: ${messageOf(err)}`,
            );
            token.focus();
          }
        })();
      },
    },
    h('h1', { id: 'sign-in-title' }, 'OCPI node console'),
    h('p', {}, 'Sign in with the admin token of this node (ocpi serve prints where it is kept).'),
    notice.element,
    h('div', { class: 'field' }, h('label', { for: 'admin-token' }, 'Admin token'), token),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  document.title = 'Sign in · OCPI console';
  replace(root, h('main', { id: 'main' }, form));
  token.focus();
}

/** The pages this node has. */
function pagesOf(session: Session): Array<[string, (typeof PAGES)[string]]> {
  return Object.entries(PAGES).filter(([, page]) => page.shown?.(session) ?? true);
}

function showConsole(session: Session): void {
  const pages = pagesOf(session);
  const pageName = () => {
    const name = location.hash.replace(/^#\/?/, '');
    return pages.some(([known]) => known === name) ? name : 'overview';
  };
  live ??= new Live(() => signedOut('Your session has ended. Sign in again.'));
  live.open();
  const main = h('main', { id: 'main', tabindex: '-1' });
  const nav = h(
    'nav',
    { 'aria-label': 'Pages' },
    h(
      'ul',
      {},
      ...pages.map(([name, page]) =>
        h('li', {}, h('a', { href: `#/${name}`, 'data-page': name }, page.label)),
      ),
    ),
  );
  const signOut = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onClick: () =>
        void (async () => {
          try {
            await api.signOut();
          } finally {
            signedOut();
          }
        })(),
    },
    'Sign out',
  );
  replace(
    root,
    h('a', { class: 'skip', href: '#main' }, 'Skip to the page'),
    h('header', {}, h('span', { class: 'brand' }, 'OCPI node console'), nav, signOut),
    main,
  );
  const show = () => {
    if (!live) return;
    current?.dispose();
    const name = pageName();
    const page = PAGES[name] ?? PAGES.overview;
    if (!page) return;
    current = page.open({ api, live });
    for (const link of nav.querySelectorAll('a'))
      if (link.dataset.page === name) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    document.title = `${current.title} · OCPI console`;
    replace(main, current.element);
  };
  window.onhashchange = show;
  show();
}

async function start(): Promise<void> {
  try {
    const session = await api.session();
    if (session) showConsole(session);
    else showSignIn();
  } catch (err) {
    showSignIn(`The node did not answer: ${messageOf(err)}`);
  }
}

void start();
