import { parseArgs } from 'node:util';
import { createOcpiApp } from '../app.ts';
import { systemClock } from '../clock.ts';
import { isSupportedVersion, type OcpiVersion } from '../model/versions.ts';
import {
  SIMULATED_BEHAVIOURS,
  type SimulatedBehaviour,
  SimulatedGateway,
} from '../modules/commands/simulated-gateway.ts';
import type { CanonicalObjects, ObjectModuleId } from '../modules/objects/canonical.ts';
import type { Publisher } from '../modules/objects/publisher.ts';
import type { OwnParty, OwnRole } from '../partners/types.ts';
import { isNewDataDir } from '../store/pglite-data-dir.ts';
import type { StoreOptions } from '../store/store.ts';
import { generateToken } from '../transport/token.ts';
import { bootstrapToken } from './bootstrap-token.ts';
import { type DemoChargers, startDemoChargers } from './demo-chargers.ts';
import { demoLocation, demoTariff, demoToken } from './demo-data.ts';
import { serveAdmin } from './serve-admin.ts';
import { DEFAULT_SHUTDOWN_TIMEOUT_SECONDS, shutDown, stopSignal } from './shutdown.ts';
import { keepWasmOnBaselineCompiler } from './wasm-baseline.ts';

const HELP = `Usage: ocpi serve [options]   (same as: npm start -- [options])

  --port <n>               port to listen on (default 3000)
  --host <host>            address to listen on (default 127.0.0.1: this machine only;
                           0.0.0.0 for every interface, e.g. in a container)
  --public-url <url>       base URL partners reach this node at (default http://127.0.0.1:<port>)
  --data <dir|memory>      embedded database directory (default ./data), or memory
  --database-url <url>     use PostgreSQL instead (or DATABASE_URL)
  --database-schema <name> PostgreSQL schema to keep this node's tables in (created when absent)
  --role <cpo|emsp|ptp>    role of this node's parties (default cpo)
  --party <CC*PID>         a party this node speaks for, repeatable (default NL*ACM)
  --name <name>            business name of the parties (default "OCPI toolkit node")
  --versions <list>        OCPI versions to offer, comma separated (default 2.1.1,2.2.1,2.3.0)
  --bootstrap-token <t>    a token A a new partner registers with (generated when absent); it
                           replaces the previous start's unused one, and once used is never accepted again
  --admin-token <t>        token of the admin API (or OCPI_ADMIN_TOKEN; at least 16 characters; generated when absent)
  --admin-host <host>      address the admin API listens on, apart from OCPI (default 127.0.0.1)
  --admin-port <n>         its port (default: --port + 1, e.g. 3001; any free one with --port 0)
  --log-level <level>      pino log level (default info: no line per request, only errors,
                           slow requests and business events; debug adds every request)
  --slow-request <ms>      requests taking at least this long are logged at warn (default 1000)
  --shutdown-timeout <s>   on SIGTERM/SIGINT, seconds to let requests and then deliveries in
                           flight finish before cutting them (default 10)
  --demo                   a demo location, tariff (cpo) or token (emsp); a cpo also takes OCPP
                           (as --ocpp) and runs one simulated OCPP 1.6J charger per demo EVSE
                           in this process, connected to its own endpoint over loopback
  --simulate <evse>=<b>    commands end at an in-process simulated gateway instead of OCPP (also
                           with --demo): EVSE uid <evse> answers as <b>, repeatable:
                           accept|reject|occupied|inoperative|slow|silent (OCPP 1.6 chargers
                           cannot answer occupied or inoperative, so these are not mapped onto them)
  --ocpp                   take OCPP 1.6J chargers at ws://<host>:<port>/ocpp/<charger-id> (cpo):
                           add them with ocpi chargers add; try one with ocpi charger
  --command-timeout <s>    seconds the CPO waits for a charger before sending TIMEOUT (default 30)
  --block-private-networks never call partner URLs on loopback, private (RFC 1918, fc00::/7),
                           CGNAT or "this network" addresses, however written or resolved
                           (link-local / cloud metadata is always refused)
`;

const ROLES: Record<string, OwnRole> = { cpo: 'CPO', emsp: 'EMSP', ptp: 'PTP' };

function parseParty(text: string, role: OwnRole, name: string): OwnParty {
  const [, countryCode, partyId] = /^([A-Za-z]{2})\*?([A-Za-z0-9]{3})$/.exec(text.trim()) ?? [];
  if (!countryCode || !partyId) throw new Error(`--party ${text}: expected CC*PID, e.g. NL*ACM`);
  return {
    countryCode: countryCode.toUpperCase(),
    partyId: partyId.toUpperCase(),
    role,
    businessDetails: { name },
  };
}

function parseSimulate(texts: string[]): Record<string, SimulatedBehaviour> {
  const evses: Record<string, SimulatedBehaviour> = {};
  for (const text of texts) {
    const [, evseUid, named] = /^([^=]+)=(.+)$/.exec(text.trim()) ?? [];
    const behaviour = SIMULATED_BEHAVIOURS.find((b) => b === named?.trim().toLowerCase());
    if (!evseUid || !behaviour)
      throw new Error(`--simulate ${text}: expected <evse_uid>=<${SIMULATED_BEHAVIOURS.join('|')}>`);
    evses[evseUid.trim()] = behaviour;
  }
  return evses;
}

function parseVersions(text: string): OcpiVersion[] {
  return text.split(',').map((v) => {
    const version = v.trim();
    if (!isSupportedVersion(version)) throw new Error(`--versions: unsupported version ${version}`);
    return version;
  });
}

/** A whole number ≥ 0 given as option `name`, or `fallback` when absent. */
function wholeNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} ${text}: expected a whole number ≥ 0`);
  return value;
}

/** `ocpi serve`: starts a node and prints what a partner needs to register. */
export async function serve(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      'public-url': { type: 'string' },
      data: { type: 'string', default: './data' },
      'database-url': { type: 'string' },
      'database-schema': { type: 'string' },
      role: { type: 'string', default: 'cpo' },
      party: { type: 'string', multiple: true },
      name: { type: 'string', default: 'OCPI toolkit node' },
      versions: { type: 'string' },
      'bootstrap-token': { type: 'string' },
      'admin-token': { type: 'string' },
      'admin-host': { type: 'string' },
      'admin-port': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      'slow-request': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      demo: { type: 'boolean' },
      simulate: { type: 'string', multiple: true },
      'command-timeout': { type: 'string' },
      ocpp: { type: 'boolean' },
      'block-private-networks': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${values.port}: not a port`);
  const role = Object.hasOwn(ROLES, values.role.toLowerCase()) ? ROLES[values.role.toLowerCase()] : undefined;
  if (!role) throw new Error(`--role ${values.role}: expected cpo, emsp or ptp`);
  const [firstParty = 'NL*ACM', ...moreParties] = values.party ?? [];
  const main = parseParty(firstParty, role, values.name);
  const parties = [main, ...moreParties.map((p) => parseParty(p, role, values.name))];
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL;
  const schema = values['database-schema'];
  if (schema !== undefined && !databaseUrl) throw new Error('--database-schema needs --database-url');
  const store: StoreOptions = databaseUrl
    ? { kind: 'postgres', connectionString: databaseUrl, ...(schema !== undefined ? { schema } : {}) }
    : { kind: 'pglite', dataDir: values.data, createInChildProcess: true };
  const timeoutText = values['command-timeout'];
  const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutSeconds !== undefined && !(Number.isInteger(timeoutSeconds) && timeoutSeconds > 0))
    throw new Error(`--command-timeout ${timeoutText}: expected whole seconds, at least 1`);
  const shutdownSeconds = wholeNumber(
    values['shutdown-timeout'],
    '--shutdown-timeout',
    DEFAULT_SHUTDOWN_TIMEOUT_SECONDS,
  );
  const slowRequestMs = wholeNumber(values['slow-request'], '--slow-request', 1000);
  // The composition root: the one place the system clock is chosen.
  const clock = systemClock;
  // --simulate: the in-process gateway (behaviours OCPP chargers cannot express); --demo alone:
  // real OCPP chargers, simulated in this process (a CPO only).
  const simulated = values.simulate
    ? new SimulatedGateway({ clock, tickMs: 2000, evses: parseSimulate(values.simulate) })
    : undefined;
  const demoChargers = Boolean(values.demo && !simulated && role === 'CPO');
  const ocpp = Boolean(values.ocpp || demoChargers);
  const admin = serveAdmin(
    {
      token: values['admin-token'] ?? env.OCPI_ADMIN_TOKEN ?? generateToken(),
      host: values['admin-host'],
      port: values['admin-port'],
    },
    port,
  );

  if (store.kind === 'pglite') {
    keepWasmOnBaselineCompiler();
    if (isNewDataDir(store.dataDir))
      process.stdout.write(
        `Creating the embedded database in ${store.dataDir} (first start, this can take a few seconds)…\n`,
      );
  }
  const app = await createOcpiApp({
    clock,
    ...(values.versions ? { versions: parseVersions(values.versions) } : {}),
    parties,
    store,
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    commands: {
      ...(simulated ? { gateway: simulated } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    },
    ...admin,
    ...(ocpp ? { ocpp: { enabled: true } } : {}),
    ...(values['block-private-networks'] ? { outboundUrlPolicy: { allowPrivateNetworks: false } } : {}),
    logger: { level: values['log-level'] },
    operations: { slowRequestMs },
    delivery: { stopTimeoutMs: shutdownSeconds * 1000 },
  });
  await app.listen({ port, host: values.host });
  const bootstrap = await bootstrapToken(app, values['bootstrap-token']);
  let chargers: DemoChargers | undefined;
  if (values.demo) {
    // Once per store, as the first party: a restart does not push the demo objects to partners again.
    const putOnce = async <M extends ObjectModuleId>(
      publisher: Publisher<M>,
      object: CanonicalObjects[M],
      id: string,
    ) => {
      if (!(await publisher.get(id))) await publisher.put(object);
    };
    if (role === 'CPO') {
      const tariff = demoTariff(main.countryCode, main.partyId);
      await putOnce(app.ocpi.tariffs, tariff, tariff.id);
      const location = demoLocation(main.countryCode, main.partyId);
      await putOnce(app.ocpi.locations, location, location.id);
      if (demoChargers) {
        const stored = await app.ocpi.locations.get(location.id);
        // A meter reading every 2 s, 1 kWh each (1.8 MW): a demo's fast forward.
        chargers = await startDemoChargers(app, stored ?? location, {
          clock,
          meterIntervalSeconds: 2,
          whPerReading: 1000,
          reconnect: true,
        });
      }
    }
    if (role === 'EMSP') {
      const token = demoToken(main.countryCode, main.partyId);
      await putOnce(app.ocpi.tokens, token, token.uid);
    }
  }

  const where = databaseUrl
    ? `PostgreSQL${schema !== undefined ? ` (schema ${schema})` : ''}`
    : values.data === 'memory'
      ? 'memory (nothing is kept)'
      : values.data;
  const listening = app
    .addresses()
    .map((a) =>
      typeof a === 'string' ? a : a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`,
    )
    .join(', ');
  process.stdout.write(
    [
      '',
      `OCPI node up: ${parties.map((p) => `${p.countryCode}*${p.partyId}`).join(', ')} as ${role}, data in ${where}`,
      `  listening on:     ${listening}${values.host === '127.0.0.1' ? '   (this machine only: --host 0.0.0.0 for others)' : ''}`,
      `  versions URL:     ${app.ocpi.versionsUrl()}`,
      `  bootstrap token:  ${bootstrap}`,
      `  admin URL:        ${app.ocpi.adminUrl()}   (this machine only: ocpi register/partners --node <admin URL>)`,
      `  admin token:      ${admin.adminToken}`,
      `  console:          ${app.ocpi.consoleUrl()}   (a web page: sign in with the admin token)`,
      ...(ocpp
        ? [
            `  OCPP endpoint:    ${app.ocpi
              .versionsUrl()
              .replace(/^http/, 'ws')
              .replace(/\/ocpi\/versions$/, '/ocpp')}/<charger-id>`,
          ]
        : []),
      ...(chargers
        ? [
            `  demo chargers:    ${chargers.simulators.map((c) => c.options.id).join(', ')} (OCPP 1.6J, in this process)`,
          ]
        : []),
      '',
    ].join('\n'),
  );

  const signal = await stopSignal();
  // Before the node closes: reconnecting chargers would otherwise knock during the shutdown.
  await chargers?.stop();
  await shutDown(app, signal, shutdownSeconds * 1000, clock);
  return 0;
}
