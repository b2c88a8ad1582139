import type { CommandEntry, CommandStreamLine, Partner } from '../api.ts';
import { h, replace, when } from '../dom.ts';
import { confirmAction, debounce, messageOf, Notice, Pager, table } from '../ui.ts';
import type { PageContext, PageView } from './page.ts';

const PAGE = 20;
/** Seconds a started session is followed on this page. */
const FOLLOW_SECONDS = 300;

/** What each command asks for (2.3.0 shape, without response_url): the form starts from it. */
const TEMPLATES: Record<string, object> = {
  START_SESSION: { token: '', location_id: '', evse_uid: '' },
  STOP_SESSION: { session_id: '' },
  RESERVE_NOW: { token: '', expiry_date: '', reservation_id: '', location_id: '' },
  CANCEL_RESERVATION: { reservation_id: '' },
  UNLOCK_CONNECTOR: { location_id: '', evse_uid: '', connector_id: '' },
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** A partner as the command form offers it: its id and the CPO parties it speaks for. */
function partnerOption(partner: Partner): HTMLOptionElement {
  const cpos = partner.parties.filter((p) => p.role === 'CPO');
  const named = cpos.map((p) => `${p.countryCode}*${p.partyId} ${p.businessDetails.name}`).join(', ');
  return h('option', { value: partner.id }, named ? `${named} (${partner.id})` : partner.id);
}

/** What one streamed line says, in words. */
function lineText(line: CommandStreamLine, elapsed: number): string {
  if ('response' in line) {
    const timeout = line.response.timeout === undefined ? '' : `, result within ${line.response.timeout} s`;
    return `The CPO answered ${line.response.result}${timeout} (after ${seconds(elapsed)}).`;
  }
  if ('result' in line) {
    const by = line.result.source === 'local-timeout' ? ' (no result came in time)' : '';
    return `Result: ${line.result.result}${by}, ${seconds(elapsed)} after sending.`;
  }
  if ('session' in line) {
    const { id, status, kwh } = line.session;
    return `Session ${String(id)}: ${String(status)}${typeof kwh === 'number' ? `, ${kwh} kWh` : ''}.`;
  }
  return `CDR ${String(line.cdr.id)} arrived.`;
}

/**
 * Commands: send one to a CPO partner as eMSP and watch its answer, result and (for
 * START_SESSION) the session arrive; the latest commands of both directions below.
 */
export function commandsPage({ api, live }: PageContext): PageView {
  const notice = new Notice();
  const partner = h('select', { id: 'command-partner', name: 'partner', required: true });
  const command = h(
    'select',
    { id: 'command-name', name: 'command' },
    ...Object.keys(TEMPLATES).map((name) => h('option', { value: name }, name)),
  );
  const request = h('textarea', {
    id: 'command-request',
    name: 'request',
    rows: 6,
    spellcheck: false,
    'aria-describedby': 'command-request-hint',
  });
  const progress = h('ol', {
    class: 'progress',
    'aria-live': 'polite',
    'aria-label': 'What happened to the command',
  });
  const list = h('div', {});
  const pager = new Pager('commands', PAGE, () => void loadList());
  const aborts = new Set<AbortController>();

  const template = () => {
    request.value = JSON.stringify(TEMPLATES[command.value] ?? {}, null, 2);
  };
  command.addEventListener('change', template);
  template();

  const loadList = async () => {
    try {
      const page = await api.commands({ offset: pager.offset, limit: PAGE });
      replace(
        list,
        table(
          'Latest commands',
          ['Sent or received', 'Time', 'Partner', 'Command', 'Status', 'Result'],
          page.items.map((c: CommandEntry) => [
            c.direction,
            when(c.createdAt),
            c.party ?? c.partnerId,
            c.command,
            c.status.replace('_', ' '),
            c.result ?? '—',
          ]),
          'no commands yet',
        ),
      );
      pager.show(page.total);
    } catch (err) {
      notice.show('error', `Could not read the commands: ${messageOf(err)}`);
    }
  };

  const loadPartners = async () => {
    try {
      const partners = (await api.partners()).filter(
        (p) => p.status === 'registered' && p.parties.some((q) => q.role === 'CPO'),
      );
      replace(partner, ...partners.map(partnerOption));
      if (partners.length === 0)
        notice.show('error', 'No CPO partner is registered: register one on the Partners page first.');
    } catch (err) {
      notice.show('error', `Could not read the partners: ${messageOf(err)}`);
    }
  };

  const send = async () => {
    let body: { [key: string]: unknown };
    try {
      body = JSON.parse(request.value);
    } catch (err) {
      notice.show('error', `The request is not valid JSON: ${messageOf(err)}`);
      request.focus();
      return;
    }
    const name = command.value;
    if (!(await confirmAction(`Send ${name} to ${partner.value}?`, 'Send'))) return;
    notice.clear();
    // One command is watched at a time: the last one's session stops being followed here.
    for (const earlier of aborts) earlier.abort();
    replace(progress, h('li', {}, `Sending ${name}…`));
    const abort = new AbortController();
    aborts.add(abort);
    const started = performance.now();
    try {
      await api.sendCommand(
        name,
        {
          partner: partner.value,
          request: body,
          ...(name === 'START_SESSION' ? { follow: FOLLOW_SECONDS } : {}),
        },
        (line) => {
          progress.append(h('li', {}, lineText(line, performance.now() - started)));
          if ('result' in line) void loadList();
        },
        abort.signal,
      );
    } catch (err) {
      if (!abort.signal.aborted)
        progress.append(h('li', { class: 'failed' }, `${name} failed: ${messageOf(err)}`));
    } finally {
      aborts.delete(abort);
    }
  };

  const form = h(
    'form',
    {
      class: 'card wide',
      'aria-labelledby': 'send-title',
      onSubmit: (event) => {
        event.preventDefault();
        void send();
      },
    },
    h('h2', { id: 'send-title' }, 'Send a command to a CPO'),
    h('div', { class: 'field' }, h('label', { for: 'command-partner' }, 'CPO partner'), partner),
    h('div', { class: 'field' }, h('label', { for: 'command-name' }, 'Command'), command),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'command-request' }, 'Request'),
      request,
      h(
        'small',
        { id: 'command-request-hint' },
        'JSON in the OCPI 2.3.0 shape, without response_url (the node makes one). A token may be given by the uid of one of our tokens.',
      ),
    ),
    h('button', { type: 'submit' }, 'Send command'),
    progress,
  );

  const refresh = debounce(() => void loadList(), 500);
  const off = live.on('command', refresh);
  void loadPartners();
  void loadList();
  const element = h(
    'section',
    {},
    h('h1', {}, 'Commands'),
    notice.element,
    form,
    h(
      'section',
      { class: 'card wide', 'aria-labelledby': 'latest-title' },
      h('h2', { id: 'latest-title' }, 'Latest commands'),
      list,
      pager.element,
    ),
  );
  return {
    title: 'Commands',
    element,
    dispose: () => {
      off();
      for (const abort of aborts) abort.abort();
    },
  };
}
