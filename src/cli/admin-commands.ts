import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import { ADMIN_OPTIONS, adminCall, adminConnection, streamNdjson } from './admin-connection.ts';
import {
  AddedChargerReply,
  ChargerReply,
  DeadLetterReply,
  LoadReply,
  PartnerReply,
  PullProgressReply,
  RegistrationTokenReply,
  ReplayReply,
  readReply,
  UnregisterReply,
} from './admin-replies.ts';

function describePartner(p: PartnerReply): string {
  const parties = p.parties.map((r) => `${r.countryCode}*${r.partyId} ${r.role}`).join(', ') || '-';
  const line = `${p.id}  ${p.status.padEnd(10)}  ${p.version.padEnd(6)}  ${parties}  ${p.versionsUrl}`;
  if (!p.hubClients) return line;
  // A hub: the parties behind it, one a line.
  const clients = p.hubClients.map(
    (c) => `  via hub: ${`${c.countryCode}*${c.partyId}`.padEnd(7)}  ${c.role.padEnd(5)}  ${c.status}`,
  );
  return [line, ...(clients.length > 0 ? clients : ['  via hub: no parties reported yet'])].join('\n');
}

/** Runs a sync, drawing a progress bar from the NDJSON lines the node streams. */
async function syncWithProgress(url: string, adminToken: string): Promise<PullProgressReply> {
  for await (const line of streamNdjson(url, adminToken)) {
    if (line.error) throw new Error(String(line.error));
    if (line.done) return readReply(PullProgressReply, line.done, 'the sync');
    if (line.progress)
      process.stderr.write(`\r${progressBar(readReply(PullProgressReply, line.progress, 'the sync'))}`);
  }
  throw new Error('the node ended the sync without a result');
}

function progressBar(p: PullProgressReply): string {
  const width = 30;
  const share = p.total ? Math.min(1, p.received / p.total) : 0;
  const filled = Math.round(share * width);
  const of = p.total !== undefined ? `/${p.total}` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.received}${of} objects, page ${p.pages}`;
}

const OPTIONS = {
  ...ADMIN_OPTIONS,
  label: { type: 'string' },
  json: { type: 'boolean' },
  version: { type: 'string' },
  replay: { type: 'string' },
  'replay-all': { type: 'boolean' },
  'date-from': { type: 'string' },
  location: { type: 'string' },
  password: { type: 'string' },
  evse: { type: 'string', multiple: true },
} as const;

/** What every admin command is given: its options, its arguments and how to reach the node. */
interface AdminInvocation {
  values: {
    label?: string;
    version?: string;
    replay?: string;
    'replay-all'?: boolean;
    'date-from'?: string;
    location?: string;
    password?: string;
    evse?: string[];
  };
  node: string;
  adminToken: string;
  /** A call to the node's admin API; resolves to the reply's data. */
  call: (method: string, path: string, body?: unknown, query?: string) => Promise<unknown>;
  /** Prints the data as JSON with --json, else the text. */
  print: (data: unknown, text: string) => void;
  /** The i-th positional argument, named in the error when missing. */
  arg: (i: number, name: string) => string;
}

async function register({ call, print, arg }: AdminInvocation): Promise<void> {
  const body = { versionsUrl: arg(0, 'partner-versions-url'), token: arg(1, 'token-a') };
  const partner = readReply(PartnerReply, await call('POST', '/partners', body), 'the registration');
  print(partner, `registered: ${describePartner(partner)}`);
}

async function partners({ call, print }: AdminInvocation): Promise<void> {
  const list = readReply(Type.Array(PartnerReply), await call('GET', '/partners'), 'the partners list');
  print(list, list.length === 0 ? 'no partners' : list.map(describePartner).join('\n'));
}

async function rotate({ call, print, arg }: AdminInvocation): Promise<void> {
  const path = `/partners/${encodeURIComponent(arg(0, 'partner-id'))}/update`;
  const partner = readReply(PartnerReply, await call('POST', path), 'the rotation');
  print(partner, `credentials rotated: ${describePartner(partner)}`);
}

async function unregister({ call, print, arg }: AdminInvocation): Promise<void> {
  const path = `/partners/${encodeURIComponent(arg(0, 'partner-id'))}`;
  const result = readReply(UnregisterReply, await call('DELETE', path), 'the unregistration');
  print(
    result,
    result.remote === 'unregistered'
      ? 'unregistered'
      : `removed locally; the partner did not confirm: ${result.message ?? ''}`,
  );
}

async function load({ values, call, print, arg }: AdminInvocation): Promise<void> {
  const module = arg(0, 'locations|tariffs|tokens|booking-locations');
  const objects: unknown = JSON.parse(await readFile(arg(1, 'file.json'), 'utf8'));
  const query = values.version ? `?version=${encodeURIComponent(values.version)}` : '';
  const result = readReply(
    LoadReply,
    await call('PUT', `/objects/${encodeURIComponent(module)}`, objects, query),
    'the load',
  );
  print(result, `loaded ${result.loaded} ${module}; pushed to every partner that receives them`);
}

async function sync({ values, node, adminToken, print, arg }: AdminInvocation): Promise<void> {
  const [partner, module] = [
    arg(0, 'partner-id'),
    arg(1, 'locations|tariffs|tokens|booking-locations|hubclientinfo'),
  ];
  const query = values['date-from'] ? `?date_from=${encodeURIComponent(values['date-from'])}` : '';
  const result = await syncWithProgress(
    `${node}/admin/partners/${encodeURIComponent(partner)}/sync/${encodeURIComponent(module)}${query}`,
    adminToken,
  );
  print(
    result,
    `\nsynced ${module}: ${result.received} received in ${result.pages} pages, ${result.skipped} invalid skipped`,
  );
}

/** Lists the dead letters, or replays one (--replay <id>) or all (--replay-all). */
async function deadLetters({ values, call, print }: AdminInvocation): Promise<void> {
  if (values.replay) {
    const path = `/dead-letters/${encodeURIComponent(values.replay)}/replay`;
    print(await call('POST', path), `replayed ${values.replay}`);
    return;
  }
  if (values['replay-all']) {
    const result = readReply(ReplayReply, await call('POST', '/dead-letters/replay'), 'the replay');
    print(result, `replayed ${result.replayed}`);
    return;
  }
  const letters = readReply(
    Type.Array(DeadLetterReply),
    await call('GET', '/dead-letters'),
    'the dead letters list',
  );
  print(
    letters,
    letters.length === 0
      ? 'no dead letters'
      : letters
          .map((d) => `${d.id}  ${d.method} ${d.url}  ${d.attempts} attempts  ${d.lastError ?? ''}`)
          .join('\n'),
  );
}

async function registrationToken({ values, call, print }: AdminInvocation): Promise<void> {
  const body = values.label ? { label: values.label } : {};
  const created = readReply(
    RegistrationTokenReply,
    await call('POST', '/registration-tokens', body),
    'the registration token',
  );
  print(created, `token A: ${created.token}\nversions URL: ${created.versionsUrl}`);
}

function describeCharger(c: ChargerReply): string {
  const mapping = Object.entries(c.evses)
    .map(([n, uid]) => `${n}=${uid}`)
    .join(',');
  const state = c.online ? 'online' : 'offline';
  return `${c.id}  ${state.padEnd(7)}  ${(c.ocppVersion ?? '-').padEnd(5)}  ${c.locationId}${mapping ? ` (${mapping})` : ''}  last heartbeat ${c.lastHeartbeat ?? '-'}`;
}

/** `--evse 1=EVSE-UID` options as the connector-to-EVSE mapping. */
function evseMapping(options: string[] | undefined): Record<string, string> | undefined {
  if (!options?.length) return undefined;
  const mapping: Record<string, string> = {};
  for (const option of options) {
    const match = /^(\d+)=(.+)$/.exec(option);
    if (!match?.[1] || !match[2]) throw new Error(`--evse ${option}: write <connector number>=<evse uid>`);
    mapping[match[1]] = match[2];
  }
  return mapping;
}

/** `chargers` lists the OCPP chargers; `chargers add <id> --location <id>` and `chargers remove <id>` change them. */
async function chargers({ values, call, print, arg }: AdminInvocation): Promise<void> {
  let action: string | undefined;
  try {
    action = arg(0, 'add|remove');
  } catch {
    action = undefined;
  }
  if (action === 'add') {
    if (!values.location) throw new Error('--location <location-id> is required');
    const evses = evseMapping(values.evse);
    const body = {
      id: arg(1, 'charger-id'),
      locationId: values.location,
      ...(values.password !== undefined ? { password: values.password } : {}),
      ...(evses ? { evses } : {}),
    };
    const added = readReply(AddedChargerReply, await call('POST', '/chargers', body), 'the new charger');
    print(added, `added: ${describeCharger(added.charger)}\npassword: ${added.password}`);
    return;
  }
  if (action === 'remove') {
    const id = arg(1, 'charger-id');
    print(await call('DELETE', `/chargers/${encodeURIComponent(id)}`), `removed ${id}`);
    return;
  }
  if (action !== undefined) throw new Error(`unknown chargers action ${action}: add or remove`);
  const list = readReply(Type.Array(ChargerReply), await call('GET', '/chargers'), 'the chargers list');
  print(list, list.length === 0 ? 'no chargers' : list.map(describeCharger).join('\n'));
}

const ADMIN_COMMANDS: Partial<Record<string, (invocation: AdminInvocation) => Promise<void>>> = {
  register,
  partners,
  rotate,
  unregister,
  load,
  sync,
  'dead-letters': deadLetters,
  'registration-token': registrationToken,
  chargers,
};

/** The commands that talk to a running node's admin API. */
export async function adminCommand(command: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const run = ADMIN_COMMANDS[command];
  if (!run) throw new Error(`unknown admin command ${command}`);
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const { node, adminToken } = adminConnection(values, env);
  await run({
    values,
    node,
    adminToken,
    call: (method, path, body, query) => adminCall(node, adminToken, method, path, body, query),
    print: (data, text) => process.stdout.write(`${values.json ? JSON.stringify(data, null, 2) : text}\n`),
    arg: (i, name) => {
      const value = positionals[i];
      if (value === undefined) throw new Error(`missing <${name}>`);
      return value;
    },
  });
  return 0;
}
