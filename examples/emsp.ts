import { pathToFileURL } from 'node:url';
import { createOcpiApp, type JsonObject, type StoreOptions, type v230 } from 'ocpi-toolkit';
import { DRIVER_TOKEN, LOCATION } from './demo-site.ts';

/*
 * An eMSP: it registers with a CPO, starts a charging session for its driver, follows it and
 * stops it, and receives the CDR. With examples/cpo.ts running in another terminal:
 *
 *   CPO_VERSIONS_URL=<versions URL> CPO_TOKEN=<token A> npx tsx examples/emsp.ts
 */

type OcpiApp = Awaited<ReturnType<typeof createOcpiApp>>;

// #region app
/** The eMSP node: DE*MSP, listening on 127.0.0.1. */
export async function startEmsp(options: { port?: number; store?: StoreOptions } = {}) {
  const emsp = await createOcpiApp({
    parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'Drive Co' } }],
    store: options.store ?? { kind: 'pglite', dataDir: 'memory' },
  });
  await emsp.listen({ port: options.port ?? 3002, host: '127.0.0.1' });
  return emsp;
}
// #endregion app

/** The next object of `module` a partner pushes to us that `matches` (listening from now on). */
function nextReceived(emsp: OcpiApp, module: string, matches: (object: JsonObject) => boolean) {
  return new Promise<JsonObject>((resolve) => {
    const listener = (event: { module: string; object: JsonObject }) => {
      if (event.module !== module || !matches(event.object)) return;
      emsp.ocpi.events.off('received', listener);
      resolve(event.object);
    };
    emsp.ocpi.events.on('received', listener);
  });
}

// #region charge
/**
 * START_SESSION for `token` at an EVSE of the CPO `cpo` (a partner id), then STOP_SESSION once
 * it has charged `kwh`: the CommandResponse comes at once, the CommandResult later (the toolkit
 * gives our response_url and takes the result there), and the Session and CDR as the CPO pushes them.
 */
export async function chargeOnce(
  emsp: OcpiApp,
  cpo: string,
  token: v230.tokens.Token,
  where: { location_id: string; evse_uid: string },
  kwh = 2,
) {
  const reference = `CHARGE-${Date.now()}`;
  const ours = (object: JsonObject) => object.authorization_reference === reference;
  const active = nextReceived(emsp, 'sessions', (s) => ours(s) && s.status === 'ACTIVE');
  const charged = nextReceived(emsp, 'sessions', (s) => ours(s) && Number(s.kwh) >= kwh);
  const cdr = nextReceived(emsp, 'cdrs', (c) => c.authorization_reference === reference);

  const start = await emsp.ocpi.commands.startSession(cpo, {
    token,
    ...where,
    authorization_reference: reference,
  });
  console.log(
    `START_SESSION: CommandResponse ${start.response.result} (timeout ${start.response.timeout} s)`,
  );
  if (start.response.result !== 'ACCEPTED') throw new Error(`the CPO answered ${start.response.result}`);
  const started = await start.result;
  console.log(`START_SESSION: CommandResult ${started.result}`);
  if (started.result !== 'ACCEPTED') throw new Error(`the charger answered ${started.result}`);

  const session = await active;
  console.log(`Session ${session.id}: ${session.status}`);
  await charged;
  const stop = await emsp.ocpi.commands.stopSession(cpo, { session_id: String(session.id) });
  console.log(
    `STOP_SESSION: CommandResponse ${stop.response.result}, CommandResult ${(await stop.result).result}`,
  );
  const record = await cdr;
  console.log(
    `CDR ${record.id}: ${record.total_energy} kWh, ${JSON.stringify(record.total_cost)} ${record.currency}`,
  );
  return { session, cdr: record };
}
// #endregion charge

// Run as a program (not when a test imports it).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { CPO_VERSIONS_URL, CPO_TOKEN } = process.env;
  if (!CPO_VERSIONS_URL || !CPO_TOKEN) {
    console.error('Set CPO_VERSIONS_URL and CPO_TOKEN to what examples/cpo.ts printed.');
    process.exit(1);
  }
  const emsp = await startEmsp();
  try {
    // #region register
    const cpo = await emsp.ocpi.registerWith(CPO_VERSIONS_URL, CPO_TOKEN);
    console.log(
      `registered with ${cpo.parties.map((p) => `${p.countryCode}*${p.partyId}`)} over OCPI ${cpo.version}`,
    );
    await emsp.ocpi.tokens.put(DRIVER_TOKEN);
    // #endregion register
    await chargeOnce(emsp, cpo.id, DRIVER_TOKEN, { location_id: LOCATION.id, evse_uid: 'E1' });
  } finally {
    await emsp.close();
  }
}
