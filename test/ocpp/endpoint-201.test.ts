import { describe, expect, it } from 'vitest';
import type { v230 } from '../../src/index.ts';
import type { Location } from '../../src/model/v230/locations.ts';
import { correctedCode } from '../../src/ocpp/call-errors.ts';
import type { ChargerSimulator201 } from '../../src/ocpp/simulator-201.ts';
import { evseStatusOf201, evseStatusOfConnectors } from '../../src/ocpp/status-201.ts';
import { token } from '../support/objects.ts';
import { answerTo, CHARGER_PASSWORD, chargerGone, ocppSuite, upgradeStatus } from '../support/ocpp.ts';
import { simulator201 } from '../support/ocpp-201.ts';
import { eventually } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const LOC1 = { countryCode: 'NL', partyId: 'CPO', id: 'LOC1' };
const TOKEN = token('RFID-0201', '2020-01-01T00:00:00Z') as v230.tokens.Token;

function statusOf(location: Location | undefined, uid: string): string | undefined {
  return location?.evses?.find((e) => e.uid === uid)?.status;
}

describe.each(STORES)('OCPP 2.0.1 chargers: status, commands and frames, on %s', (_name, store) => {
  let sim: ChargerSimulator201;
  const pair = ocppSuite(
    store,
    { commands: { timeoutSeconds: 2 } },
    () => sim,
    async (p) => {
      await eventually(() => p.emsp.ocpi.locations.received(p.cpoAtEmsp, LOC1));
    },
  );

  const emspSees = (uid: string, status: string) =>
    eventually(async () => {
      const l = await pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, LOC1);
      return statusOf(l, uid) === status ? l : undefined;
    });
  const lastCall = (action: string) => sim.calls.filter((c) => c.action === action).at(-1);
  const expiry = () => new Date(Date.now() + 3_600_000).toISOString();
  const reserve = (reservationId: string, evseUid: string) =>
    pair.emsp.ocpi.commands.reserveNow(pair.cpoAtEmsp, {
      token: TOKEN,
      expiry_date: expiry(),
      reservation_id: reservationId,
      location_id: 'LOC1',
      evse_uid: evseUid,
    });
  const unlock = (evseUid: string, connectorId = '1') =>
    pair.emsp.ocpi.commands.unlockConnector(pair.cpoAtEmsp, {
      location_id: 'LOC1',
      evse_uid: evseUid,
      connector_id: connectorId,
    });

  it('corrects CALLERROR codes ocpp-rpc sends on 2.0.1 to 2.0.1 ones', () => {
    expect(correctedCode('ocpp2.0.1', 'OccurenceConstraintViolation', false)).toBe(
      'OccurrenceConstraintViolation',
    );
    expect(correctedCode('ocpp2.0.1', 'FormationViolation', false)).toBe('FormatViolation');
    expect(correctedCode('ocpp2.0.1', 'FormatViolation', false)).toBe('FormatViolation');
    expect(correctedCode('ocpp2.0.1', 'Nonsense', false)).toBe('GenericError');
  });

  it('maps 2.0.1 connector status, and an EVSE of several connectors shows what matters most', () => {
    expect(['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'].map(evseStatusOf201)).toEqual([
      'AVAILABLE',
      'CHARGING',
      'RESERVED',
      'INOPERATIVE',
      'OUTOFORDER',
    ]);
    expect(evseStatusOf201('Charging')).toBeUndefined();
    expect(evseStatusOfConnectors(['AVAILABLE', 'CHARGING'])).toBe('CHARGING');
    expect(evseStatusOfConnectors(['OUTOFORDER', 'AVAILABLE'])).toBe('AVAILABLE');
    expect(evseStatusOfConnectors(['OUTOFORDER', 'INOPERATIVE'])).toBe('OUTOFORDER');
  });

  it('takes the ocpp2.0.1 subprotocol; status reports become EVSE status at the eMSP; a disconnect makes them UNKNOWN', async () => {
    const good = { user: 'CP-1', password: CHARGER_PASSWORD };
    expect(await upgradeStatus(pair.cpo, '/ocpp/CP-1', good, 'ocpp2.0.1')).toBe(101);
    expect(
      await upgradeStatus(pair.cpo, '/ocpp/CP-1', { ...good, password: 'wrong-password-0000' }, 'ocpp2.0.1'),
    ).toBe(401);
    sim = simulator201(pair.cpo);
    expect(await sim.start()).toBe('Accepted');
    const [listed] = await pair.cpo.ocpi.chargers.list();
    expect(listed).toMatchObject({ id: 'CP-1', online: true, ocppVersion: '2.0.1' });
    await sim.status(2, 'Occupied');
    await emspSees('E2', 'CHARGING');
    await sim.status(1, 'Faulted');
    await emspSees('E1', 'OUTOFORDER');
    await sim.status(1, 'Reserved');
    await emspSees('E1', 'RESERVED');
    await sim.status(2, 'Unavailable');
    await emspSees('E2', 'INOPERATIVE');
    // An EVSE the Location does not have, and the station as a whole: answered, nothing changes.
    await sim.status(3, 'Occupied');
    await sim.status(0, 'Unavailable', 0);
    await sim.status(1, 'Available');
    await emspSees('E1', 'AVAILABLE');
    expect(statusOf(await pair.cpo.ocpi.locations.get('LOC1'), 'E2')).toBe('INOPERATIVE');
    await sim.stop(true);
    await emspSees('E1', 'UNKNOWN');
    await emspSees('E2', 'UNKNOWN');
    expect((await pair.cpo.ocpi.chargers.get('CP-1'))?.online).toBe(false);
  });

  it('UNLOCK_CONNECTOR is an UnlockConnector {evseId, connectorId}; its answers become results', async () => {
    sim = simulator201(pair.cpo);
    await sim.start();
    expect(await (await unlock('E2')).result).toMatchObject({ result: 'ACCEPTED' });
    expect(lastCall('UnlockConnector')?.params).toEqual({ evseId: 2, connectorId: 1 });
    for (const [answer, result] of [
      ['UnlockFailed', 'FAILED'],
      ['OngoingAuthorizedTransaction', 'REJECTED'],
      ['UnknownConnector', 'FAILED'],
    ]) {
      sim.script('UnlockConnector', answer ?? '');
      expect(await (await unlock('E1')).result).toMatchObject({ result });
    }
    // A connector the EVSE does not have: refused by the node, the charger is not asked.
    const asked = sim.calls.length;
    expect(await (await unlock('E1', '9')).result).not.toMatchObject({ result: 'ACCEPTED' });
    expect(sim.calls).toHaveLength(asked);
  });

  it('RESERVE_NOW is a ReserveNow {id, expiryDateTime, idToken, evseId}; CANCEL_RESERVATION cancels that id', async () => {
    sim = simulator201(pair.cpo);
    await sim.start();
    expect(await (await reserve('RES-201', 'E2')).result).toMatchObject({ result: 'ACCEPTED' });
    const params = lastCall('ReserveNow')?.params;
    expect(params).toMatchObject({ idToken: { idToken: 'RFID-0201', type: 'ISO14443' }, evseId: 2 });
    const id = typeof params === 'object' && params !== null ? Reflect.get(params, 'id') : undefined;
    expect(Number.isInteger(id)).toBe(true);
    const cancelled = await pair.emsp.ocpi.commands.cancelReservation(pair.cpoAtEmsp, {
      reservation_id: 'RES-201',
    });
    expect(await cancelled.result).toMatchObject({ result: 'ACCEPTED' });
    expect(lastCall('CancelReservation')?.params).toEqual({ reservationId: id });
    for (const [index, [answer, result]] of [
      ['Occupied', 'EVSE_OCCUPIED'],
      ['Unavailable', 'EVSE_INOPERATIVE'],
      ['Faulted', 'FAILED'],
      ['Rejected', 'REJECTED'],
    ].entries()) {
      sim.script('ReserveNow', answer ?? '');
      expect(await (await reserve(`RES-201-${index}`, 'E1')).result).toMatchObject({ result });
    }
  });

  it('a silent charger gets TIMEOUT; an offline one REJECTED at once; a rejected start REJECTED', async () => {
    sim = simulator201(pair.cpo);
    await sim.start();
    const start = () =>
      pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
        token: TOKEN,
        location_id: 'LOC1',
        evse_uid: 'E1',
      });
    sim.script('RequestStartTransaction', 'Rejected');
    expect(await (await start()).result).toMatchObject({ result: 'REJECTED' });
    const params = lastCall('RequestStartTransaction')?.params;
    const remoteStartId =
      typeof params === 'object' && params !== null ? Reflect.get(params, 'remoteStartId') : undefined;
    expect(Number.isInteger(remoteStartId)).toBe(true);
    sim.script('RequestStartTransaction', () => new Promise<string>(() => {}));
    expect(await (await start()).result).toMatchObject({ result: 'TIMEOUT' });
    await sim.stop(true);
    await chargerGone(pair.cpo);
    expect(await (await start()).result).toMatchObject({ result: 'REJECTED', source: 'response' });
  });

  it.each([
    ['not JSON', '{nope', '-1', 'RpcFrameworkError'],
    ['an unknown message type', '[7,"m1","Heartbeat",{}]', 'm1', 'MessageTypeNotSupported'],
    ['an action OCPP 2.0.1 does not have', '[2,"m2","FlyToTheMoon",{}]', 'm2', 'NotImplemented'],
    [
      'an action we do not take',
      '[2,"m3","SecurityEventNotification",{"type":"x","timestamp":"2024-01-01T00:00:00Z"}]',
      'm3',
      'NotSupported',
    ],
    ['a CALL without its payload', '[2,"m4","Heartbeat"]', 'm4', 'RpcFrameworkError'],
    [
      'a payload of the wrong type',
      '[2,"m5","StatusNotification",{"timestamp":"2024-01-01T00:00:00Z","connectorStatus":"Available","evseId":"one","connectorId":1}]',
      'm5',
      'TypeConstraintViolation',
    ],
    [
      'a payload without a required field',
      '[2,"m6","TransactionEvent",{"eventType":"Started","timestamp":"2024-01-01T00:00:00Z","triggerReason":"Authorized","seqNo":0}]',
      'm6',
      'OccurrenceConstraintViolation',
    ],
    [
      'a status OCPP 2.0.1 does not have',
      '[2,"m7","StatusNotification",{"timestamp":"2024-01-01T00:00:00Z","connectorStatus":"Charging","evseId":1,"connectorId":1}]',
      'm7',
      'PropertyConstraintViolation',
    ],
    [
      'a malformed date-time',
      '[2,"m8","StatusNotification",{"timestamp":"yesterday","connectorStatus":"Available","evseId":1,"connectorId":1}]',
      'm8',
      'FormatViolation',
    ],
  ])(
    'a 2.0.1 frame with %s gets its 2.0.1 CALLERROR, and the connection stays',
    async (_what, frame, id, code) => {
      sim = simulator201(pair.cpo);
      await sim.start();
      const answer = await answerTo(sim, frame);
      expect(answer.slice(0, 3)).toEqual([4, id, code]);
      expect(Date.parse(await sim.heartbeat())).toBeGreaterThan(0);
    },
  );
});
