import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import { ADMIN_OPTIONS, adminCall, adminConnection } from './admin-connection.ts';
import { readReply } from './admin-replies.ts';

const HELP = `Usage: ocpi terminals [--node <url> --admin-token <t>]
       ocpi terminals assign <terminal-id> [--location <id>]... [--evse <uid>]... [--partner <CC*PID>]
       ocpi terminals activations [--open]

  (no subcommand)   the node's payment Terminals (a PTP's own; at a CPO the ones PTP partners
                    posted): partner, terminal id, invoice creator, assigned Locations / EVSEs
  assign            (CPO) assign a Terminal to Locations and/or EVSEs; the PTP is sent the PATCH
  activations       (PTP) the terminal activation requests CPO partners sent (--open: not answered)
`;

const TerminalFields = Type.Object({
  terminal_id: Type.String(),
  invoice_creator: Type.Optional(Type.String()),
  location_ids: Type.Optional(Type.Array(Type.String())),
  evse_uids: Type.Optional(Type.Array(Type.String())),
  reference: Type.Optional(Type.String()),
});
type TerminalFields = (typeof TerminalFields)['static'];

const TerminalRow = Type.Object({
  partnerId: Type.String(),
  terminal: TerminalFields,
  deactivatedAt: Type.Optional(Type.String()),
});

const ActivationRow = Type.Object({
  id: Type.String(),
  partnerId: Type.String(),
  activation: Type.Omit(TerminalFields, ['terminal_id']),
  receivedAt: Type.String(),
  answered: Type.Optional(Type.Object({ terminalKey: Type.String(), at: Type.String() })),
});

const HEADER = ['PARTNER', 'TERMINAL', 'INVOICES', 'ASSIGNED TO'];

/** Where a Terminal serves: its Locations and EVSEs. */
function assigned(t: Pick<TerminalFields, 'location_ids' | 'evse_uids'>): string {
  const where = [
    ...(t.location_ids ?? []).map((l) => `location ${l}`),
    ...(t.evse_uids ?? []).map((e) => `evse ${e}`),
  ];
  return where.join(', ') || 'not assigned';
}

/** One row: partner ('own' for ours), id, invoice_creator, assignment (and a deactivation). */
function cells(row: { partnerId: string; terminal: TerminalFields; deactivatedAt?: string }): string[] {
  const t = row.terminal;
  const off = row.deactivatedAt ? `  (deactivated ${row.deactivatedAt})` : '';
  return [row.partnerId || 'own', t.terminal_id, t.invoice_creator ?? '-', `${assigned(t)}${off}`];
}

/** Rows as columns, each as wide as its widest cell. */
function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return rows
    .map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join('  '))
    .join('\n');
}

/** `ocpi terminals [assign … | activations]`: the node's payment Terminals, through its admin API. */
export async function terminals(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...ADMIN_OPTIONS,
      location: { type: 'string', multiple: true },
      evse: { type: 'string', multiple: true },
      partner: { type: 'string' },
      open: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, terminalId] = positionals;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (action !== undefined && action !== 'assign' && action !== 'activations')
    throw new Error(`unknown subcommand ${action} (assign, activations)\n\n${HELP}`);
  if (action === 'assign' && !terminalId) throw new Error('assign: missing <terminal-id>');
  const { node, adminToken } = adminConnection(values, env);
  const call = (method: string, path: string, body?: unknown) =>
    adminCall(node, adminToken, method, path, body);

  if (action === 'assign' && terminalId) {
    if (!values.location && !values.evse) throw new Error('assign: give --location <id> and/or --evse <uid>');
    const body = {
      ...(values.location ? { location_ids: values.location } : {}),
      ...(values.evse ? { evse_uids: values.evse } : {}),
      ...(values.partner ? { partner: values.partner } : {}),
    };
    const data = await call('POST', `/terminals/${encodeURIComponent(terminalId)}/assign`, body).catch(
      (err: unknown) => {
        throw new Error(`assign ${terminalId}: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    const terminal = readReply(TerminalFields, data, 'the assignment');
    process.stdout.write(`assigned ${terminal.terminal_id} to ${assigned(terminal)}\n`);
    return 0;
  }
  if (action === 'activations') {
    const query = values.open ? '?open=true' : '';
    const rows = readReply(
      Type.Array(ActivationRow),
      await call('GET', `/terminals/activations${query}`),
      'the activation requests',
    );
    const lines = rows.map((a) => [
      a.id,
      a.partnerId,
      a.activation.reference ?? '-',
      assigned(a.activation),
      a.answered ? `answered by ${a.answered.terminalKey}` : 'open',
    ]);
    process.stdout.write(
      rows.length === 0
        ? 'no activation requests\n'
        : `${table([['ID', 'PARTNER', 'REFERENCE', 'FOR', 'STATUS'], ...lines])}\n`,
    );
    return 0;
  }
  const rows = readReply(Type.Array(TerminalRow), await call('GET', '/terminals'), 'the terminals');
  process.stdout.write(rows.length === 0 ? 'no terminals\n' : `${table([HEADER, ...rows.map(cells)])}\n`);
  return 0;
}
