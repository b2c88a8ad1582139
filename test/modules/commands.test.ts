import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import { MSP_TOKEN as TOKEN } from '../support/command-fixtures.ts';
import { call } from '../support/nodes.ts';
import { eventually, MATRIX, type Pair, startPair, tokenOf } from '../support/pair.ts';
import { RecordingGateway } from '../support/recording-gateway.ts';
import { exampleJson } from '../support/spec-fixtures.ts';

const json = (file: string) => exampleJson('2.3.0', file) as Record<string, unknown>;
const LOCATION: Record<string, unknown> = {
  ...json('location_example.json'),
  country_code: 'NL',
  party_id: 'CPO',
  id: 'CMD-LOC',
};
/** The command timeout the CPO announces. */
const TIMEOUT_SECONDS = 30;

function evse(uid: string, capabilities: string[]) {
  const base = (LOCATION.evses as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
  const connectors = (base.connectors as Array<Record<string, unknown>>).map((c) => ({
    ...c,
    tariff_ids: ['T-CMD'],
  }));
  return { ...base, uid, evse_id: `NL*CPO*E${uid}`, capabilities, connectors };
}

describe.each(MATRIX)('commands over OCPI %s on %s', (version, _store, storeOptions) => {
  let pair: Pair;
  let gateway: RecordingGateway;
  // Timeouts are in commands-timeout.test.ts, on a manual clock.
  const sim = new SimulatedGateway({ evses: { REJECT: 'reject', BUSY: 'occupied' }, tickMs: 100 });

  beforeAll(async () => {
    gateway = new RecordingGateway(sim);
    pair = await startPair(
      version,
      { cpo: { commands: { gateway, timeoutSeconds: TIMEOUT_SECONDS } } },
      storeOptions,
    );
    const capable = ['REMOTE_START_STOP_CAPABLE', 'RESERVABLE', 'UNLOCK_CAPABLE'];
    await pair.cpo.ocpi.tariffs.put(
      {
        ...json('tariff_1_simple_2hour.json'),
        country_code: 'NL',
        party_id: 'CPO',
        id: 'T-CMD',
      },
      '2.3.0',
    );
    await pair.cpo.ocpi.locations.put(
      {
        ...LOCATION,
        evses: [evse('OK', capable), evse('REJECT', capable), evse('BUSY', capable), evse('DUMB', [])],
      },
      '2.3.0',
    );
  });
  afterAll(async () => {
    sim.close();
    await pair.close();
  });

  const start = (evseUid: string, extra: { authorization_reference?: string; connector_id?: string } = {}) =>
    pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: TOKEN,
      location_id: 'CMD-LOC',
      evse_uid: evseUid,
      ...extra,
    });

  it('START_SESSION: answered at once with the announced timeout, the result follows', async () => {
    const sent = await start('OK');
    expect(sent.response.result).toBe('ACCEPTED');
    if (version !== '2.1.1') expect(sent.response.timeout).toBe(TIMEOUT_SECONDS);
    expect(await sent.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    expect((await pair.emsp.ocpi.commands.get(sent.id))?.status).toBe('done');
  });

  it('an accepted START_SESSION becomes a Session at the eMSP, charging, and after STOP_SESSION a priced CDR', async () => {
    const sent = await start('OK', version === '2.1.1' ? {} : { authorization_reference: `AUTH-${version}` });
    await sent.result;
    const sessionsAtEmsp = async () =>
      (await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp, { offset: 0, limit: 100 })).items;
    const active = await eventually(async () =>
      (await sessionsAtEmsp()).find(
        (s) =>
          s.status === 'ACTIVE' && (version === '2.1.1' || s.authorization_reference === `AUTH-${version}`),
      ),
    );
    await eventually(async () =>
      (await sessionsAtEmsp()).find((s) => s.id === active.id && Number(s.kwh) > 0) ? true : undefined,
    );
    const stop = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, {
      session_id: String(active.id),
    });
    expect(stop.response.result).toBe('ACCEPTED');
    expect((await stop.result).result).toBe('ACCEPTED');
    const done = await eventually(async () =>
      (await sessionsAtEmsp()).find((s) => s.id === active.id && s.status === 'COMPLETED'),
    );
    expect(Number(done.kwh)).toBeGreaterThan(0);
    const cdr = await eventually(async () =>
      (await pair.emsp.ocpi.cdrs.listReceived(pair.cpoAtEmsp, { offset: 0, limit: 100 })).items.find(
        (c) => c.id === active.id,
      ),
    );
    expect(cdr.total_energy).toBe(done.kwh);
    expect(cdr.total_cost).toBeDefined();
    // STOP_SESSION of a session that belongs to this eMSP but is over: the charger no longer knows it.
    const again = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, {
      session_id: String(active.id),
    });
    expect((await again.result).result).toBe('REJECTED');
  });

  it.each([
    ['REJECT', 'REJECTED'],
    ['BUSY', version === '2.1.1' ? 'REJECTED' : 'EVSE_OCCUPIED'],
  ])('the charger of EVSE %s answers %s', async (uid, result) => {
    const sent = await start(uid);
    expect(sent.response.result).toBe('ACCEPTED');
    expect((await sent.result).result).toBe(result);
  });

  it('refuses synchronously: unknown location (2003), no capability, unknown session', async () => {
    const before = gateway.seen.length;
    const unknown = await pair.emsp.ocpi.commands.send(pair.cpoAtEmsp, 'START_SESSION', {
      token: TOKEN,
      location_id: 'NOWHERE',
    });
    expect(unknown.response.result).toBe('REJECTED');
    expect(await unknown.result).toMatchObject({ result: 'REJECTED', source: 'response' });
    expect((await start('DUMB')).response.result).toBe('NOT_SUPPORTED');
    const stop = await pair.emsp.ocpi.commands.stopSession(pair.cpoAtEmsp, {
      session_id: 'no-such-session',
    });
    expect(stop.response.result).toBe('UNKNOWN_SESSION');
    expect(gateway.seen.length).toBe(before);
  });

  it('UNLOCK_CONNECTOR reaches the charger with its connector; refused where the EVSE cannot unlock', async () => {
    const evses = LOCATION.evses as Array<{ connectors?: Array<{ id?: string }> }>;
    const connectorId = String(evses[0]?.connectors?.[0]?.id);
    const unlock = await pair.emsp.ocpi.commands.unlockConnector(pair.cpoAtEmsp, {
      location_id: 'CMD-LOC',
      evse_uid: 'OK',
      connector_id: connectorId,
    });
    expect(unlock.response.result).toBe('ACCEPTED');
    expect(await unlock.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    expect(gateway.seen.at(-1)).toMatchObject({
      type: 'UNLOCK_CONNECTOR',
      locationId: 'CMD-LOC',
      evseUid: 'OK',
      connectorId,
    });
    const before = gateway.seen.length;
    const dumb = await pair.emsp.ocpi.commands.unlockConnector(pair.cpoAtEmsp, {
      location_id: 'CMD-LOC',
      evse_uid: 'DUMB',
      connector_id: connectorId,
    });
    expect(dumb.response.result).toBe('NOT_SUPPORTED');
    const nowhere = await pair.emsp.ocpi.commands.unlockConnector(pair.cpoAtEmsp, {
      location_id: 'CMD-LOC',
      evse_uid: 'OK',
      connector_id: 'no-such-connector',
    });
    expect(nowhere.response.result).toBe('REJECTED');
    expect(gateway.seen.length).toBe(before);
  });

  describe('as a partner sees the HTTP', () => {
    let url: string;
    let token: string;
    beforeAll(async () => {
      url = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/commands`;
      token = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    });
    const responseUrl = () =>
      `${pair.emsp.ocpi.versionsUrl().replace(/versions$/, version)}/sender/commands/START_SESSION/manual-${Math.random()}`;
    const tokenBody =
      version === '2.1.1'
        ? {
            uid: 'X',
            type: 'RFID',
            auth_id: 'A',
            issuer: 'I',
            valid: true,
            whitelist: 'ALWAYS',
            last_updated: '2024-01-01T00:00:00Z',
          }
        : TOKEN;

    it('answers 2003 with a REJECTED CommandResponse for an unknown location', async () => {
      const reply = await call(`${url}/START_SESSION`, {
        method: 'POST',
        token,
        body: { response_url: responseUrl(), token: tokenBody, location_id: 'NOWHERE' },
      });
      expect(reply.status).toBe(200);
      expect(reply.body.status_code).toBe(2003);
      expect(reply.body.data).toMatchObject({ result: 'REJECTED' });
    });

    it.each([
      ['no response_url', { response_url: undefined, location_id: 'CMD-LOC' }, /response_url: is required/],
      [
        'connector_id without evse_uid',
        { location_id: 'CMD-LOC', connector_id: '1' },
        /connector_id: given without evse_uid/,
      ],
      ['a bad token object', { location_id: 'CMD-LOC', token: { uid: 'x' } }, /\/token\//],
      [
        'a foreign response_url host',
        { location_id: 'CMD-LOC', response_url: 'http://evil.example/x' },
        /response_url: host evil.example/,
      ],
      [
        'an ftp response_url',
        { location_id: 'CMD-LOC', response_url: 'ftp://127.0.0.1/x' },
        /response_url: scheme ftp/,
      ],
    ])('refuses %s with 2001 and sends nothing to the charger', async (_what, body, message) => {
      if (version === '2.1.1' && _what === 'connector_id without evse_uid') return; // 2.1.1 StartSession has no connector_id
      const before = gateway.seen.length;
      const reply = await call(`${url}/START_SESSION`, {
        method: 'POST',
        token,
        body: { response_url: responseUrl(), token: tokenBody, ...body },
      });
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(message);
      expect(gateway.seen.length).toBe(before);
    });

    it('answers an unknown command name with an OCPI error, not a 500', async () => {
      const reply = await call(`${url}/MAKE_COFFEE`, { method: 'POST', token, body: {} });
      expect(reply.status).toBe(404);
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/unknown command MAKE_COFFEE/);
    });

    it('executes the same command twice with the same response_url only once', async () => {
      const before = gateway.seen.length;
      const body = { response_url: responseUrl(), token: tokenBody, location_id: 'CMD-LOC', evse_uid: 'OK' };
      const first = await call(`${url}/START_SESSION`, { method: 'POST', token, body });
      const second = await call(`${url}/START_SESSION`, { method: 'POST', token, body });
      expect(first.body.data).toMatchObject({ result: 'ACCEPTED' });
      expect(second.body.data).toMatchObject({ result: 'ACCEPTED' });
      // The charger is asked before the CommandResponse goes out: both answers are here, so
      // both decisions are made.
      expect(gateway.seen.length).toBe(before + 1);
    });

    it('the result endpoint: unknown id 2001, another partner refused, duplicates ignored', async () => {
      const results = `${pair.emsp.ocpi.versionsUrl().replace(/versions$/, version)}/sender/commands/START_SESSION`;
      const cpoToken = await tokenOf(pair.cpo, pair.emspAtCpo);
      const body = { result: 'ACCEPTED' };
      expect(
        (await call(`${results}/nope`, { method: 'POST', token: cpoToken, body })).body.status_code,
      ).toBe(2001);
      const sent = await start('OK');
      await sent.result;
      const again = await call(`${results}/${sent.id}`, {
        method: 'POST',
        token: cpoToken,
        body: { result: 'REJECTED' },
      });
      expect(again.body.status_code).toBe(1000);
      expect((await pair.emsp.ocpi.commands.get(sent.id))?.result).toBe('ACCEPTED');
      // The eMSP calling its own result URL with its token for the CPO: not the partner it sent to.
      const other = await call(`${results}/${sent.id}`, { method: 'POST', token, body });
      expect(other.status).toBe(401);
    });
  });

  it('RESERVE_NOW, the same reservation again, CANCEL_RESERVATION and a CPO-side cancellation', async () => {
    const expiry = new Date(Date.now() + 3_600_000).toISOString();
    const reservationId = version === '2.1.1' ? 42 : 'R42';
    const first = await pair.emsp.ocpi.commands.reserveNow(pair.cpoAtEmsp, {
      token: TOKEN,
      expiry_date: expiry,
      reservation_id: String(reservationId),
      location_id: 'CMD-LOC',
      evse_uid: 'OK',
    });
    expect((await first.result).result).toBe('ACCEPTED');
    const again = await pair.emsp.ocpi.commands.send(pair.cpoAtEmsp, 'RESERVE_NOW', {
      token: TOKEN,
      expiry_date: expiry,
      reservation_id: String(reservationId),
      location_id: 'CMD-LOC',
      evse_uid: 'OK',
    });
    await again.result;
    const reserves = gateway.seen.filter((c) => c.type === 'RESERVE_NOW') as Array<{ reservationId: string }>;
    // The charger never sees the eMSP's id, and the same reservation keeps its charger id.
    expect(reserves.at(-1)?.reservationId).toBe(reserves.at(-2)?.reservationId);
    expect(reserves.at(-1)?.reservationId).not.toBe(String(reservationId));
    if (version !== '2.1.1') {
      const cancel = await pair.emsp.ocpi.commands.cancelReservation(pair.cpoAtEmsp, {
        reservation_id: 'R42',
      });
      expect((await cancel.result).result).toBe('ACCEPTED');
      const unknown = await pair.emsp.ocpi.commands.send(pair.cpoAtEmsp, 'CANCEL_RESERVATION', {
        reservation_id: 'R42',
      });
      expect((await unknown.result).result).toBe('UNKNOWN_RESERVATION');
      const third = await pair.emsp.ocpi.commands.send(pair.cpoAtEmsp, 'RESERVE_NOW', {
        token: TOKEN,
        expiry_date: expiry,
        reservation_id: 'R43',
        location_id: 'CMD-LOC',
        evse_uid: 'OK',
      });
      await third.result;
      const chargerId = (
        gateway.seen.filter((c) => c.type === 'RESERVE_NOW').at(-1) as { reservationId: string }
      ).reservationId;
      expect(await pair.cpo.ocpi.commands.reservationCancelled(chargerId, 'road works')).toBe(true);
      await eventually(async () =>
        (await pair.emsp.ocpi.commands.get(third.id))?.result === 'CANCELED_RESERVATION' ? true : undefined,
      );
    } else {
      await expect(
        pair.emsp.ocpi.commands.cancelReservation(pair.cpoAtEmsp, { reservation_id: '42' }),
      ).rejects.toThrow(/OCPI 2.1.1 has no CANCEL_RESERVATION/);
    }
    await expect(
      pair.emsp.ocpi.commands.send(pair.cpoAtEmsp, 'RESERVE_NOW', {
        token: TOKEN,
        expiry_date: '2001-01-01T00:00:00Z',
        reservation_id: '7',
        location_id: 'CMD-LOC',
      }),
    ).resolves.toMatchObject({ response: { result: expect.any(String) } });
  });
});
