import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ADMIN_OPTIONS, adminConnection } from './admin-connection.ts';
import { AdminReply, readReply } from './admin-replies.ts';

const HELP = `Usage: ocpi terminals [--node <url> --admin-token <t>]
       ocpi terminals assign <terminal-id> [--location <id>]... [--evse <uid>]... [--partner <CC*PID>]

  (no subcommand)   the node's payment Terminals (a PTP's own; at a CPO the ones PTP partners posted)
  assign            (CPO) assign a Terminal to Locations and/or EVSEs; the PTP is sent the PATCH
`;

const TerminalRow = Type.Object({
  partnerId: Type.String(),
  terminal: Type.Object({
    terminal_id: Type.String(),
    invoice_creator: Type.Optional(Type.String()),
    location_ids: Type.Optional(Type.Array(Type.String())),
    evse_uids: Type.Optional(Type.Array(Type.String())),
  }),
});

function line(row: { partnerId: string; terminal: (typeof TerminalRow)['static']['terminal'] }): string {
  const t = row.terminal;
  const where = [
    ...(t.location_ids ?? []).map((l) => `location ${l}`),
    ...(t.evse_uids ?? []).map((e) => `evse ${e}`),
  ];
  return `${t.terminal_id}  ${(t.invoice_creator ?? '-').padEnd(3)}  ${row.partnerId || 'own'}  ${where.join(', ') || 'not assigned'}`;
}

async function call(
  node: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${node}/admin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    // Not JSON: said just below.
  }
  if (!Value.Check(AdminReply, reply))
    throw new Error(`HTTP ${res.status} from ${node}: ${text.slice(0, 200)}`);
  if (res.status >= 300 || reply.status_code !== 1000)
    throw new Error(`${reply.status_message ?? 'failed'} (HTTP ${res.status}, OCPI ${reply.status_code})`);
  return reply.data;
}

/** `ocpi terminals [assign …]`: the node's payment Terminals, through its admin API. */
export async function terminals(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...ADMIN_OPTIONS,
      location: { type: 'string', multiple: true },
      evse: { type: 'string', multiple: true },
      partner: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, terminalId] = positionals;
  if (values.help || (action !== undefined && (action !== 'assign' || !terminalId))) {
    process.stdout.write(HELP);
    return values.help ? 0 : 1;
  }
  const { node, adminToken } = adminConnection(values, env);
  if (action === 'assign' && terminalId) {
    if (!values.location && !values.evse) throw new Error('give --location <id> and/or --evse <uid>');
    const body = {
      ...(values.location ? { location_ids: values.location } : {}),
      ...(values.evse ? { evse_uids: values.evse } : {}),
      ...(values.partner ? { partner: values.partner } : {}),
    };
    const data = await call(
      node,
      adminToken,
      'POST',
      `/terminals/${encodeURIComponent(terminalId)}/assign`,
      body,
    );
    const terminal = readReply(TerminalRow.properties.terminal, data, 'the assignment');
    process.stdout.write(`assigned ${line({ partnerId: '', terminal })}\n`);
    return 0;
  }
  const rows = readReply(
    Type.Array(TerminalRow),
    await call(node, adminToken, 'GET', '/terminals'),
    'the terminals',
  );
  process.stdout.write(rows.length === 0 ? 'no terminals\n' : `${rows.map(line).join('\n')}\n`);
  return 0;
}
