import { parseArgs } from 'node:util';
import { isJsonObject, type JsonObject } from '../model/json.ts';
import { ADMIN_OPTIONS, adminConnection, streamNdjson } from './admin-connection.ts';

const HELP = `Usage: ocpi command <start-session|stop-session|reserve-now|cancel-reservation|unlock-connector> [options]

  --node <url> --admin-token <t>   the eMSP node that sends the command
  --partner <CC*PID>               the CPO
  --location <id> --evse <uid> --connector <id>
  --token <uid>                    one of our tokens (start-session, reserve-now)
  --session <id>                   (stop-session)
  --reservation <id> --expiry <DateTime>   (reserve-now, cancel-reservation)
  --follow <seconds>               after START_SESSION, print session updates this long (default 120)
`;

function describe(line: JsonObject): string | undefined {
  const { response, result, session, cdr } = line;
  if (isJsonObject(response))
    return `CommandResponse: ${response.result}${response.timeout !== undefined ? ` (the CPO waits ${response.timeout} s for the charger)` : ''}`;
  if (isJsonObject(result))
    return `CommandResult:   ${result.result}${result.source === 'local-timeout' ? ' (nothing came in time)' : ''}`;
  if (isJsonObject(session))
    return `Session ${session.id}: ${session.status}, ${session.kwh} kWh${session.total_cost ? `, ${JSON.stringify(session.total_cost)}` : ''}`;
  if (isJsonObject(cdr)) {
    const cost = isJsonObject(cdr.total_cost) ? cdr.total_cost : undefined;
    return `CDR ${cdr.id}: ${cdr.total_energy} kWh, ${Number(cdr.total_time).toFixed(3)} h, total ${cost?.before_taxes ?? '?'} ${cdr.currency} before taxes`;
  }
  if (line.error) return `error: ${line.error}`;
  return undefined;
}

/** `ocpi command …`: sends a command through a node's admin API and follows what happens. */
export async function command(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...ADMIN_OPTIONS,
      partner: { type: 'string' },
      location: { type: 'string' },
      evse: { type: 'string' },
      connector: { type: 'string' },
      token: { type: 'string' },
      session: { type: 'string' },
      reservation: { type: 'string' },
      expiry: { type: 'string' },
      follow: { type: 'string', default: '120' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const name = positionals[0];
  if (values.help || !name) {
    process.stdout.write(HELP);
    return values.help ? 0 : 1;
  }
  const { node, adminToken } = adminConnection(values, env);
  if (!values.partner) throw new Error('--partner <CC*PID> is required');
  const request: JsonObject = {
    ...(values.location ? { location_id: values.location } : {}),
    ...(values.evse ? { evse_uid: values.evse } : {}),
    ...(values.connector ? { connector_id: values.connector } : {}),
    ...(values.token ? { token: values.token } : {}),
    ...(values.session ? { session_id: values.session } : {}),
    ...(values.reservation ? { reservation_id: values.reservation } : {}),
    ...(values.expiry ? { expiry_date: values.expiry } : {}),
  };
  const url = `${node}/admin/commands/${encodeURIComponent(name)}`;
  for await (const line of streamNdjson(url, adminToken, {
    partner: values.partner,
    request,
    follow: Number(values.follow),
  })) {
    const text = describe(line);
    if (text) process.stdout.write(`${text}\n`);
  }
  return 0;
}
