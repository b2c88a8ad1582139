import { parseArgs } from 'node:util';
import { isJsonObject, type JsonObject } from '../model/json.ts';
import { ADMIN_OPTIONS, adminConnection, streamNdjson } from './admin-connection.ts';

const HELP = `Usage: ocpi profile <set|get|clear> <partner CC*PID> <session-id> [options]

  --node <url> --admin-token <t>   the eMSP/SCSP node that sends the request
  --limit <number> --unit <W|A>    (set) one limit from the start, in watts or amperes
  --min-rate <number>              (set) the lowest rate the EV should charge at
  --duration <seconds>             (set) how long the profile lasts; (get) how far ahead (default 900)
`;

function describe(line: JsonObject): string | undefined {
  const { response, result } = line;
  if (isJsonObject(response))
    return `ChargingProfileResponse: ${response.result} (the CPO answers within ${response.timeout} s)`;
  if (isJsonObject(result)) {
    const late = result.source === 'local-timeout' ? ' (nothing came in time)' : '';
    const profile = result.profile !== undefined ? `\n${JSON.stringify(result.profile, null, 2)}` : '';
    return `Result: ${result.result}${late}${profile}`;
  }
  return undefined;
}

/** `ocpi profile …`: sets, gets or clears a session's charging profile through a node's admin API. */
export async function profile(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...ADMIN_OPTIONS,
      limit: { type: 'string' },
      unit: { type: 'string', default: 'W' },
      'min-rate': { type: 'string' },
      duration: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, partner, session] = positionals;
  if (values.help || !action || !partner || !session) {
    process.stdout.write(HELP);
    return values.help ? 0 : 1;
  }
  const { node, adminToken } = adminConnection(values, env);
  const duration = values.duration !== undefined ? Number(values.duration) : undefined;
  const body: JsonObject = { partner, session };
  if (action === 'set') {
    if (values.limit === undefined) throw new Error('--limit <number> is required to set a profile');
    body.profile = {
      charging_rate_unit: values.unit,
      ...(values['min-rate'] !== undefined ? { min_charging_rate: Number(values['min-rate']) } : {}),
      ...(duration !== undefined ? { duration } : {}),
      charging_profile_period: [{ start_period: 0, limit: Number(values.limit) }],
    };
  } else if (duration !== undefined) body.duration = duration;
  const url = `${node}/admin/profiles/${encodeURIComponent(action)}`;
  for await (const line of streamNdjson(url, adminToken, body)) {
    const text = describe(line);
    if (text) process.stdout.write(`${text}\n`);
  }
  return 0;
}
