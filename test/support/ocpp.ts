import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { OcpiAppOptions } from '../../src/index.ts';
import { ChargerSimulator, type ChargerSimulatorOptions } from '../../src/ocpp/simulator.ts';
import type { StoreOptions } from '../../src/store/store.ts';
import { baseUrl } from './nodes.ts';
import { type Json, location, tariff } from './objects.ts';
import { type Pair, startPair } from './pair.ts';

export const CHARGER_PASSWORD = 'a-long-charger-secret';

/** The OCPP endpoint of a node, e.g. `ws://127.0.0.1:1234/ocpp`. */
export function ocppUrl(app: FastifyInstance): string {
  return `${baseUrl(app).replace(/^http/, 'ws')}/ocpp`;
}

/**
 * A CPO (OCPP endpoint on, admin token set) and an eMSP registered over 2.2.1, the CPO
 * with Tariff T1 and Location LOC1 (EVSEs E1, E2, AVAILABLE, reservable, at T1) that the
 * eMSP has received, and charger CP-1 bound to it with the default mapping.
 */
export async function startOcppPair(
  store: () => StoreOptions,
  cpo: OcpiAppOptions = {},
  emsp: OcpiAppOptions = {},
): Promise<Pair> {
  const pair = await startPair(
    '2.2.1',
    {
      cpo: {
        ocpp: { enabled: true, heartbeatIntervalSeconds: 60 },
        adminToken: 'cpo-admin-token-0123456789',
        ...cpo,
      },
      emsp,
    },
    store,
  );
  // Last updated in the past: the EVSE status the chargers report is stamped with now, and
  // a receiver ignores a change older than what it has.
  await pair.cpo.ocpi.tariffs.put(tariff('T1', '2020-01-01T00:00:00Z'), '2.3.0');
  const loc1 = location('LOC1', 2, '2020-01-01T00:00:00Z');
  const capabilities = ['REMOTE_START_STOP_CAPABLE', 'UNLOCK_CAPABLE', 'RESERVABLE'];
  // Every connector charges at tariff T1 (0.25 EUR per kWh): sessions end in priced CDRs.
  loc1.evses = (loc1.evses as Json[]).map((e) => ({
    ...e,
    capabilities,
    connectors: (e.connectors as Json[]).map((c) => ({ ...c, tariff_ids: ['T1'] })),
  }));
  await pair.cpo.ocpi.locations.put(loc1, '2.3.0');
  await pair.cpo.ocpi.chargers.add({ id: 'CP-1', locationId: 'LOC1', password: CHARGER_PASSWORD });
  return pair;
}

/** A simulated charger for `app`'s endpoint (CP-1 with its password unless told otherwise). */
export function simulator(
  app: FastifyInstance,
  options: Partial<ChargerSimulatorOptions> = {},
): ChargerSimulator {
  return new ChargerSimulator({
    url: ocppUrl(app),
    id: 'CP-1',
    password: CHARGER_PASSWORD,
    connectors: 2,
    ...options,
  });
}

/**
 * The HTTP status a websocket upgrade to `path` is answered with (101 when it is taken),
 * with HTTP Basic `user:password` when given: what a charger sees before any websocket.
 */
export function upgradeStatus(
  app: FastifyInstance,
  path: string,
  basic?: { user: string; password: string },
  protocol = 'ocpp1.6',
): Promise<number> {
  const url = new URL(path, baseUrl(app));
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(protocol ? { 'sec-websocket-protocol': protocol } : {}),
        ...(basic
          ? { authorization: `Basic ${Buffer.from(`${basic.user}:${basic.password}`).toString('base64')}` }
          : {}),
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}
