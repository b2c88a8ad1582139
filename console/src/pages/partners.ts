import type { Partner } from '../api.ts';
import { h, replace, when } from '../dom.ts';
import { confirmAction, debounce, messageOf, Notice, table } from '../ui.ts';
import type { PageContext, PageView } from './page.ts';

/** A labelled input: the label names it for everyone, screen readers included. */
function field(id: string, label: string, input: HTMLInputElement, hint?: string): HTMLElement {
  input.id = id;
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint && h('small', { id: `${id}-hint` }, hint),
  );
}

function parties(partner: Partner): HTMLElement {
  return h(
    'ul',
    { class: 'plain' },
    ...partner.parties.map((p) =>
      h(
        'li',
        {},
        `${p.countryCode}*${p.partyId} `,
        h('span', { class: 'tag' }, p.role),
        ` ${p.businessDetails.name}`,
      ),
    ),
  );
}

function hubClients(partner: Partner): HTMLElement | undefined {
  if (!partner.hubClients?.length) return undefined;
  return h(
    'details',
    {},
    h('summary', {}, `${partner.hubClients.length} parties behind this hub`),
    h(
      'ul',
      { class: 'plain' },
      ...partner.hubClients.map((c) =>
        h(
          'li',
          {},
          `${c.countryCode}*${c.partyId} ${c.role} `,
          h('span', { class: `tag ${c.status === 'CONNECTED' ? 'ok' : 'bad'}` }, c.status),
        ),
      ),
    ),
  );
}

function endpoints(partner: Partner): HTMLElement {
  return h(
    'details',
    {},
    h('summary', {}, `${partner.endpoints.length} endpoints`),
    h(
      'ul',
      { class: 'plain endpoints' },
      ...partner.endpoints.map((e) =>
        h('li', {}, `${e.identifier}${e.role ? ` (${e.role.toLowerCase()})` : ''}: `, h('code', {}, e.url)),
      ),
    ),
  );
}

/**
 * Partners: who is connected, on which version, with which parties and endpoints; register
 * with a partner, create a token A for one, rotate tokens, unregister. Each change is
 * confirmed first, and a partner's failure is said in plain words.
 */
export function partnersPage({ api, live }: PageContext): PageView {
  const notice = new Notice();
  const list = h('div', {}, h('p', {}, 'Loading…'));

  const load = async () => {
    try {
      const partners = await api.partners();
      replace(
        list,
        table(
          'Partners',
          ['Partner', 'Status', 'Version', 'Parties', 'Endpoints', 'Since', 'Actions'],
          partners.map((p) => [
            h('span', {}, p.id, hubClients(p)),
            h('span', { class: `tag ${p.status === 'registered' ? 'ok' : 'warn'}` }, p.status),
            p.version,
            parties(p),
            endpoints(p),
            when(p.createdAt),
            h(
              'div',
              { class: 'row-actions' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'aria-label': `Rotate tokens with ${p.id}`,
                  onClick: () => void rotate(p.id),
                },
                'Rotate tokens',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'danger',
                  'aria-label': `Unregister ${p.id}`,
                  onClick: () => void unregister(p.id),
                },
                'Unregister',
              ),
            ),
          ]),
          'no partners yet: register with one below, or give one a token A',
        ),
      );
    } catch (err) {
      notice.show('error', `Could not read the partners: ${messageOf(err)}`);
    }
  };

  const act = async (what: string, run: () => Promise<string>) => {
    notice.show('ok', `${what}…`);
    try {
      notice.show('ok', await run());
    } catch (err) {
      notice.show('error', `${what} failed: ${messageOf(err)}`);
    }
    await load();
  };

  const rotate = async (id: string) => {
    if (
      !(await confirmAction(
        `Rotate the tokens with ${id}? Both sides get new tokens; the old ones stop working.`,
        'Rotate tokens',
      ))
    )
      return;
    await act(`Rotating tokens with ${id}`, async () => {
      const partner = await api.rotate(id);
      return `Tokens rotated with ${partner.id} (OCPI ${partner.version}).`;
    });
  };

  const unregister = async (id: string) => {
    if (
      !(await confirmAction(
        `Unregister ${id}? We tell the partner and forget it: its tokens stop working.`,
        'Unregister',
      ))
    )
      return;
    await act(`Unregistering ${id}`, async () => {
      const result = await api.unregister(id);
      return result.remote === 'unregistered'
        ? `${id} is unregistered, on both sides.`
        : `${id} is forgotten here; the partner could not be told: ${result.message ?? 'no answer'}.`;
    });
  };

  const url = h('input', {
    type: 'url',
    name: 'versionsUrl',
    required: true,
    autocomplete: 'off',
    placeholder: 'https://partner.example.com/ocpi/versions',
  });
  const tokenA = h('input', {
    type: 'password',
    name: 'token',
    required: true,
    autocomplete: 'off',
    maxlength: 64,
  });
  const registerForm = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'register-title',
      onSubmit: (event) => {
        event.preventDefault();
        void (async () => {
          const versionsUrl = url.value.trim();
          if (
            !(await confirmAction(
              `Register with the partner at ${versionsUrl}? We call it now and exchange credentials.`,
              'Register',
            ))
          )
            return;
          await act('Registering', async () => {
            const partner = await api.register({ versionsUrl, token: tokenA.value.trim() });
            registerForm.reset();
            return `Registered with ${partner.id} over OCPI ${partner.version}.`;
          });
        })();
      },
    },
    h('h2', { id: 'register-title' }, 'Register with a partner'),
    field('register-url', 'Partner versions URL', url),
    field(
      'register-token',
      'Token A from the partner',
      tokenA,
      'The partner gave it to you for this registration.',
    ),
    h('button', { type: 'submit' }, 'Register'),
  );

  const label = h('input', { type: 'text', name: 'label', maxlength: 100, autocomplete: 'off' });
  const created = h('div', { 'aria-live': 'polite' });
  const tokenForm = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'token-title',
      onSubmit: (event) => {
        event.preventDefault();
        void (async () => {
          try {
            const made = await api.createToken(label.value.trim() ? { label: label.value.trim() } : {});
            tokenForm.reset();
            const value = h('output', { class: 'secret', id: 'new-token' }, made.token);
            replace(
              created,
              h(
                'p',
                {},
                'Give the partner this token A and our versions URL. It is shown this once: copy it now.',
              ),
              h(
                'dl',
                {},
                h('dt', {}, 'Token A'),
                h('dd', {}, value),
                h('dt', {}, 'Versions URL'),
                h('dd', {}, h('code', {}, made.versionsUrl)),
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  onClick: () =>
                    replace(created, h('p', {}, 'Token hidden. Create a new one if it was not copied.')),
                },
                'Hide token',
              ),
            );
          } catch (err) {
            notice.show('error', `Could not create a token: ${messageOf(err)}`);
          }
        })();
      },
    },
    h('h2', { id: 'token-title' }, 'Let a partner register with us'),
    field('token-label', 'Label (optional)', label, 'Who the token is for, e.g. the partner’s name.'),
    h('button', { type: 'submit' }, 'Create token A'),
    created,
  );

  const reload = debounce(() => void load(), 500);
  const off = live.on('partners', reload);
  void load();
  const element = h(
    'section',
    {},
    h('h1', {}, 'Partners'),
    notice.element,
    list,
    h('div', { class: 'cards' }, registerForm, tokenForm),
  );
  return {
    title: 'Partners',
    element,
    // The token A shown once goes with the page.
    dispose: () => {
      off();
      replace(created);
    },
  };
}
