import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetteredEvent } from '../../src/delivery/index.ts';
import type { Token } from '../../src/model/v230/tokens.ts';
import type { ChargerGateway } from '../../src/modules/commands/gateway.ts';
import { CPO, EMSP_A, EMSP_B, FAST, HUB_PARTY, startHub, type TestHub } from '../support/hub.ts';
import { call, startNode } from '../support/nodes.ts';
import { type Json, location, session, tariff } from '../support/objects.ts';
import { exampleJson } from '../support/spec-fixtures.ts';
import { STORES } from '../support/stores.ts';
import { deliverySettled, waitFor } from '../support/wait-for.ts';

type Party = { countryCode: string; partyId: string };

/** A charger that accepts every command at once. */
const accepting: ChargerGateway = {
  execute: (command, report) => report.outcome(command.commandId, 'ACCEPTED'),
};

const tokenOf = (party: Party, uid: string): Token => ({
  country_code: party.countryCode,
  party_id: party.partyId,
  uid,
  type: 'RFID',
  contract_id: `${party.countryCode}-${party.partyId}-C${uid}`,
  issuer: 'Drive Co',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: '2030-01-01T00:00:00Z',
});

const cdrTokenOf = (party: Party, uid: string) => ({
  country_code: party.countryCode,
  party_id: party.partyId,
  uid,
  type: 'RFID',
  contract_id: `${party.countryCode}-${party.partyId}-C${uid}`,
});

/** The spec's example CDR as one of NL*CPO's, for a token of `party`. */
function cdr(id: string, party: Party): Json {
  const base = exampleJson('2.3.0', 'cdr_example.json') as Json;
  for (const t of base.tariffs as Json[]) t.tax_included ??= 'NO';
  return { ...base, country_code: 'NL', party_id: 'CPO', id, cdr_token: cdrTokenOf(party, 'T1') };
}

const ref = (id: string) => ({ countryCode: 'NL', partyId: 'CPO', id });
const capableLocation = (id: string): Json => {
  const loc = location(id, 1);
  for (const e of loc.evses as Json[]) e.capabilities = ['REMOTE_START_STOP_CAPABLE', 'RESERVABLE'];
  return loc;
};
const bodyId = (body: unknown) =>
  typeof body === 'object' && body !== null && 'id' in body ? String(body.id) : undefined;
const routing = (from: Party, to: Party) => ({
  'OCPI-from-country-code': from.countryCode,
  'OCPI-from-party-id': from.partyId,
  'OCPI-to-country-code': to.countryCode,
  'OCPI-to-party-id': to.partyId,
});

const CASES = (['2.2.1', '2.3.0'] as const).flatMap((version) =>
  STORES.map(([name, store]) => [version, name, store] as const),
);

describe.each(CASES)('a CPO and two eMSPs through a hub, OCPI %s on %s', (version, _store, store) => {
  let cpo: FastifyInstance;
  let a: FastifyInstance;
  let b: FastifyInstance;
  let hub: TestHub;

  beforeAll(async () => {
    const node = (party: typeof CPO | typeof EMSP_A, extra = {}) =>
      startNode({ versions: [version], parties: [party], delivery: FAST, store: store(), ...extra });
    cpo = await node(CPO, { commands: { gateway: accepting } });
    a = await node(EMSP_A);
    b = await node(EMSP_B);
    hub = await startHub(version, [
      { name: 'cpo', app: cpo, parties: [CPO] },
      { name: 'a', app: a, parties: [EMSP_A] },
      { name: 'b', app: b, parties: [EMSP_B] },
    ]);
    for (const name of ['cpo', 'a', 'b']) await hub.report(name, 'CONNECTED');
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    await Promise.all([cpo?.close(), a?.close(), b?.close()]);
  });

  const receiverUrl = (node: FastifyInstance, module: string, path: string) =>
    `${node.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/${module}/${path}`;

  it('each node registered the hub as a hub partner through the credentials handshake', async () => {
    for (const [name, node] of [
      ['cpo', cpo],
      ['a', a],
      ['b', b],
    ] as const) {
      const partner = await node.ocpi.partner(hub.hubIdAt(name));
      if (version === '2.2.1') expect(partner?.parties.map((p) => p.role)).toEqual(['HUB']);
      else expect(partner?.hubPartyId).toBe('DEHUB');
    }
  });

  it('a Location reaches both eMSPs through one Broadcast Push to the hub', async () => {
    await cpo.ocpi.locations.put(capableLocation('LOC1'), '2.3.0');
    await waitFor(async () => (await a.ocpi.locations.received(hub.hubIdAt('a'), ref('LOC1'))) !== undefined);
    await waitFor(async () => (await b.ocpi.locations.received(hub.hubIdAt('b'), ref('LOC1'))) !== undefined);
    const fromCpo = hub.forwards.filter((f) => f.from === 'cpo' && f.path.startsWith('/m/locations/'));
    const toHub = fromCpo.filter((f) => f.to === 'hub');
    expect(toHub).toHaveLength(1);
    expect(toHub[0]?.headers).toMatchObject({
      'ocpi-to-country-code': HUB_PARTY.countryCode,
      'ocpi-to-party-id': HUB_PARTY.partyId,
      'ocpi-from-country-code': 'NL',
      'ocpi-from-party-id': 'CPO',
    });
    // The hub passed it on, from itself, under the CPO's party in the URL.
    expect(fromCpo.filter((f) => f.to !== 'hub').map((f) => f.to)).toEqual(['a', 'b']);
    // A Tariff alike.
    await cpo.ocpi.tariffs.put(tariff('T1'), '2.3.0');
    await waitFor(async () => (await a.ocpi.tariffs.received(hub.hubIdAt('a'), ref('T1'))) !== undefined);
    await waitFor(async () => (await b.ocpi.tariffs.received(hub.hubIdAt('b'), ref('T1'))) !== undefined);
    const tariffs = hub.forwards.filter((f) => f.from === 'cpo' && f.path.startsWith('/m/tariffs/'));
    expect(tariffs.map((f) => f.to)).toEqual(['hub', 'a', 'b']);
  });

  it("a Session of eMSP A's token reaches A only, through the hub, addressed to A", async () => {
    await cpo.ocpi.sessions.put({ ...session('S1'), cdr_token: cdrTokenOf(EMSP_A, 'T1') }, '2.3.0');
    await waitFor(async () => (await a.ocpi.sessions.received(hub.hubIdAt('a'), ref('S1'))) !== undefined);
    await deliverySettled(cpo.ocpi.delivery);
    expect((await b.ocpi.sessions.listReceived(hub.hubIdAt('b'))).items).toEqual([]);
    const sessions = hub.forwards.filter((f) => f.path.startsWith('/m/sessions/'));
    expect(sessions.map((f) => f.to)).toEqual(['a']);
    expect(sessions[0]?.headers).toMatchObject({ 'ocpi-to-country-code': 'DE', 'ocpi-to-party-id': 'MSA' });
  });

  it('holds a CDR for B while the hub reports B OFFLINE, delivers A its own, and sends B its CDR once B is CONNECTED', async () => {
    await hub.report('b', 'OFFLINE');
    await cpo.ocpi.cdrs.post(cdr('CDR-B1', EMSP_B), '2.3.0');
    await cpo.ocpi.cdrs.post(cdr('CDR-A1', EMSP_A), '2.3.0');
    await waitFor(async () => (await a.ocpi.cdrs.received(hub.hubIdAt('a'), ref('CDR-A1'))) !== undefined);
    await deliverySettled(cpo.ocpi.delivery);
    await deliverySettled(cpo.ocpi.delivery);
    const held = (await cpo.ocpi.delivery.listPending()).filter((e) => bodyId(e.body) === 'CDR-B1');
    expect(held).toHaveLength(1);
    // Not attempted: no failure counted, no retry scheduled, the retry window not started.
    expect(held[0]).toMatchObject({ attempts: 0 });
    expect(held[0]?.lastError).toBeUndefined();
    expect(held[0]?.firstFailedAt).toBeUndefined();
    expect(held[0]?.nextAttemptAt).toBeUndefined();
    expect(hub.forwards.some((f) => bodyId(f.body) === 'CDR-B1')).toBe(false);

    await hub.report('b', 'CONNECTED');
    await waitFor(async () => (await b.ocpi.cdrs.received(hub.hubIdAt('b'), ref('CDR-B1'))) !== undefined);
    await waitFor(async () => (await cpo.ocpi.delivery.pending()) === 0);
    const toB = hub.forwards.filter((f) => bodyId(f.body) === 'CDR-B1');
    expect(toB.map((f) => [f.to, f.headers['ocpi-to-party-id']])).toEqual([['b', 'MSB']]);
    expect(await a.ocpi.cdrs.received(hub.hubIdAt('a'), ref('CDR-B1'))).toBeUndefined();
  });

  it('dead-letters, unattempted, a CDR for B while the hub reports B SUSPENDED, saying why', async () => {
    await hub.report('b', 'SUSPENDED');
    const dead = once(cpo.ocpi.delivery, 'dead-lettered') as Promise<[DeadLetteredEvent]>;
    await cpo.ocpi.cdrs.post(cdr('CDR-B2', EMSP_B), '2.3.0');
    const [{ deadLetter }] = await dead;
    expect(bodyId(deadLetter.body)).toBe('CDR-B2');
    expect(deadLetter.attempts).toBe(0);
    expect(deadLetter.lastError).toContain('FR*MSB is SUSPENDED at hub');
    expect(hub.forwards.some((f) => bodyId(f.body) === 'CDR-B2')).toBe(false);
    expect(await cpo.ocpi.delivery.pending()).toBe(0);
    await hub.report('b', 'CONNECTED');
  });

  it('a command from A through the hub is attributed to A, and its result comes back to A', async () => {
    const sent = await a.ocpi.commands.startSession('NL*CPO', {
      token: tokenOf(EMSP_A, 'A1'),
      location_id: 'LOC1',
      evse_uid: 'E1',
    });
    expect(sent.response.result).toBe('ACCEPTED');
    expect(await sent.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    const stored = await cpo.ocpi.store.db
      .selectFrom('ocpi_commands')
      .select(['party', 'partner_id'])
      .where('direction', '=', 'received')
      .execute();
    expect(stored).toEqual([{ party: 'DE*MSA', partner_id: hub.hubIdAt('cpo') }]);
    const result = hub.forwards.find((f) => f.path.startsWith('/r/'));
    expect(result).toMatchObject({ from: 'cpo', to: 'a' });
    expect(result?.headers).toMatchObject({
      'ocpi-to-country-code': 'DE',
      'ocpi-to-party-id': 'MSA',
      'ocpi-from-country-code': 'NL',
      'ocpi-from-party-id': 'CPO',
    });
    // Attributed to A: a token of B's is not A's to use.
    const foreign = await a.ocpi.commands.startSession('NL*CPO', {
      token: tokenOf(EMSP_B, 'B1'),
      location_id: 'LOC1',
      evse_uid: 'E1',
    });
    expect(foreign.response.result).toBe('REJECTED');
  });

  it('keeps the reservations of two eMSPs behind the hub apart, though they use the same reservation_id', async () => {
    const reserve = (node: FastifyInstance, party: Party) =>
      node.ocpi.commands.reserveNow('NL*CPO', {
        token: tokenOf(party, party === EMSP_A ? 'A1' : 'B1'),
        expiry_date: '2099-01-01T00:00:00Z',
        reservation_id: 'R1',
        location_id: 'LOC1',
        evse_uid: 'E1',
      });
    for (const [node, party] of [
      [a, EMSP_A],
      [b, EMSP_B],
    ] as const) {
      const sent = await reserve(node, party);
      expect(sent.response.result).toBe('ACCEPTED');
      expect((await sent.result).result).toBe('ACCEPTED');
    }
    const rows = () =>
      cpo.ocpi.store.db
        .selectFrom('ocpi_reservations')
        .select(['party', 'status', 'charger_reservation_id'])
        .where('reservation_id', '=', 'R1')
        .orderBy('party')
        .execute();
    const both = await rows();
    expect(both.map((r) => [r.party, r.status])).toEqual([
      ['DE*MSA', 'active'],
      ['FR*MSB', 'active'],
    ]);
    expect(both[0]?.charger_reservation_id).not.toBe(both[1]?.charger_reservation_id);
    // B cancels its R1: A's stays.
    const cancel = await b.ocpi.commands.cancelReservation('NL*CPO', { reservation_id: 'R1' });
    expect((await cancel.result).result).toBe('ACCEPTED');
    expect((await rows()).map((r) => [r.party, r.status])).toEqual([
      ['DE*MSA', 'active'],
      ['FR*MSB', 'cancelled'],
    ]);
  });

  it('a command to a party the hub reports OFFLINE is not sent (4003)', async () => {
    await hub.report('cpo', 'OFFLINE');
    const before = hub.forwards.length;
    await expect(
      a.ocpi.commands.startSession('NL*CPO', { token: tokenOf(EMSP_A, 'A1'), location_id: 'LOC1' }),
    ).rejects.toMatchObject({ statusCode: 4003 });
    expect(hub.forwards.length).toBe(before);
    await hub.report('cpo', 'CONNECTED');
    await expect(
      a.ocpi.commands.startSession('XX*ZZZ', { token: tokenOf(EMSP_A, 'A1'), location_id: 'LOC1' }),
    ).rejects.toMatchObject({ code: 'OCPI_ERR_UNKNOWN_PARTNER' });
  });

  it('refuses a request from the hub whose OCPI-from names a party it never announced, and stores nothing', async () => {
    const put = (id: string, from: Party, owner: Party = CPO) =>
      call(receiverUrl(a, 'locations', `${owner.countryCode}/${owner.partyId}/${id}`), {
        method: 'PUT',
        token: hub.tokenAt('a'),
        body: { ...capableLocation(id), country_code: owner.countryCode, party_id: owner.partyId },
        headers: routing(from, EMSP_A),
      });
    const unknown = { countryCode: 'XX', partyId: 'ZZZ' };
    for (const owner of [CPO, unknown]) {
      const reply = await put('LOC-X', unknown, owner);
      expect(reply.status).toBe(200);
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toContain('OCPI-from');
      expect(await a.ocpi.locations.received(hub.hubIdAt('a'), { ...owner, id: 'LOC-X' })).toBeUndefined();
    }
    // Attributed to B, the hub may not write under the CPO's party.
    const asB = await put('LOC-Y', EMSP_B);
    expect(asB.body.status_code).toBe(2001);
    expect(await a.ocpi.locations.received(hub.hubIdAt('a'), ref('LOC-Y'))).toBeUndefined();
    // From the CPO, which the hub announced, it is taken.
    const asCpo = await put('LOC-Z', CPO);
    expect(asCpo.body.status_code).toBe(1000);
    expect(await a.ocpi.locations.received(hub.hubIdAt('a'), ref('LOC-Z'))).toBeDefined();
    // Without OCPI-from the request is the hub's own, which may write under the parties it announced.
    const own = await call(receiverUrl(a, 'locations', 'NL/CPO/LOC-H'), {
      method: 'PUT',
      token: hub.tokenAt('a'),
      body: capableLocation('LOC-H'),
    });
    expect(own.body.status_code).toBe(1000);
    expect(await a.ocpi.locations.received(hub.hubIdAt('a'), ref('LOC-H'))).toBeDefined();
  });

  it('answers 4001 to a request whose OCPI-to names a party that is not ours, and stores nothing', async () => {
    for (const to of [EMSP_B, HUB_PARTY, { countryCode: 'XX', partyId: 'ZZZ' }]) {
      const reply = await call(receiverUrl(a, 'locations', 'NL/CPO/LOC-T'), {
        method: 'PUT',
        token: hub.tokenAt('a'),
        body: capableLocation('LOC-T'),
        headers: routing(CPO, to),
      });
      expect(reply.status).toBe(200);
      expect(reply.body.status_code).toBe(4001);
      expect(reply.body.status_message).toContain('OCPI-to');
    }
    expect(await a.ocpi.locations.received(hub.hubIdAt('a'), ref('LOC-T'))).toBeUndefined();
  });
});
