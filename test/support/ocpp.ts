import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { RPCClient } from 'ocpp-rpc';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Clock, systemClock } from '../../src/clock.ts';
import type { OcpiAppOptions, v230 } from '../../src/index.ts';
import { ChargerSimulator, type ChargerSimulatorOptions } from '../../src/ocpp/simulator.ts';
import type { StoreOptions } from '../../src/store/store.ts';
import { baseUrl } from './nodes.ts';
import { type Json, location, tariff, token } from './objects.ts';
import { eventually, type Pair, startPair } from './pair.ts';

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

/**
 * The frame of an OCPP suite, called inside its describe: startOcppPair (the CPO with
 * `cpo`'s options) before its tests, handed to `started` to set more up, closed after them;
 * the simulator a test left running (`running()`) stopped after each test. Gives the pair,
 * to be read from the tests (it is there once beforeAll has run).
 */
export function ocppSuite(
  store: () => StoreOptions,
  cpo: OcpiAppOptions,
  running: () => { stop(force?: boolean): Promise<void> } | undefined,
  started?: (pair: Pair) => Promise<void>,
): Pair {
  let pair: Pair | undefined;
  const current = (): Pair => {
    if (!pair) throw new Error('the OCPP pair is started in beforeAll');
    return pair;
  };
  beforeAll(async () => {
    pair = await startOcppPair(store, cpo);
    await started?.(pair);
  });
  afterEach(async () => {
    await running()?.stop(true);
  });
  afterAll(() => pair?.close());
  return {
    get cpo() {
      return current().cpo;
    },
    get emsp() {
      return current().emsp;
    },
    get cpoAtEmsp() {
      return current().cpoAtEmsp;
    },
    get emspAtCpo() {
      return current().emspAtCpo;
    },
    close: () => current().close(),
  };
}

/** A Token of DE*MSP with a contract id of its uid (its first 20 characters), valid since 2020. */
export function driverToken(uid: string, fields: Partial<v230.tokens.Token> = {}): v230.tokens.Token {
  const contract_id = `DE-MSP-${uid.slice(0, 20)}`;
  return { ...token(uid, '2020-01-01T00:00:00Z'), contract_id, ...fields } as v230.tokens.Token;
}

/** Pushes Tokens from the eMSP to the CPO and waits until the CPO has each: what a charger's card is checked against. */
export async function pushTokens(pair: Pair, tokens: v230.tokens.Token[]): Promise<void> {
  for (const t of tokens) {
    await pair.emsp.ocpi.tokens.put(t, '2.3.0');
    await eventually(() =>
      pair.cpo.ocpi.tokens.received(pair.emspAtCpo, {
        countryCode: 'DE',
        partyId: 'MSP',
        id: t.uid,
        subtype: t.type,
      }),
    );
  }
}

/** Waits until `app` has seen charger `id` go: it is offline to the commands sent from now on. */
export function chargerGone(app: FastifyInstance, id = 'CP-1') {
  return eventually(async () => ((await app.ocpi.chargers.get(id))?.online === false ? true : undefined));
}

/** Waits for the eMSP to have a Session of the token `uid` in `status` (with `kwh`, when given). */
export function sessionAtEmsp(pair: Pair, uid: string, status: string, kwh?: number) {
  return eventually(async () => {
    const { items } = await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp);
    return items.find(
      (s) => s.cdr_token.uid === uid && s.status === status && (kwh === undefined || s.kwh === kwh),
    );
  });
}

/** Waits for the eMSP to have the CDR of a Session. */
export function cdrAtEmsp(pair: Pair, sessionId: string) {
  return eventually(async () => {
    const { items } = await pair.emsp.ocpi.cdrs.listReceived(pair.cpoAtEmsp);
    return items.find((c) => c.session_id === sessionId);
  });
}

/** The options of a simulated charger for `app`'s endpoint (CP-1 with its password, two connectors, unless told otherwise). */
export function simulatorOptions(
  app: FastifyInstance,
  options: Partial<ChargerSimulatorOptions> = {},
): ChargerSimulatorOptions {
  return { url: ocppUrl(app), id: 'CP-1', password: CHARGER_PASSWORD, connectors: 2, ...options };
}

/**
 * A charger clock whose time stands still and whose timers run in real time: what it plans
 * from its now (a composite schedule) does not shift while a slow machine runs the test.
 */
export function stillTime(at: number = Date.now()): Clock {
  return { ...systemClock, now: () => at };
}

/** A simulated OCPP 1.6 charger for `app`'s endpoint (see simulatorOptions). */
export function simulator(
  app: FastifyInstance,
  options: Partial<ChargerSimulatorOptions> = {},
): ChargerSimulator {
  return new ChargerSimulator(simulatorOptions(app, options));
}

/** Sends a raw frame and gives the next frame the CSMS sends back, parsed. */
export function answerTo(sim: { rpc: RPCClient }, frame: string): Promise<unknown[]> {
  return new Promise((resolve) => {
    const listener = (event: { message: Buffer | string; outbound: boolean }) => {
      if (event.outbound) return;
      sim.rpc.off('message', listener);
      resolve(JSON.parse(String(event.message)) as unknown[]);
    };
    sim.rpc.on('message', listener);
    sim.rpc.sendRaw(frame);
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
