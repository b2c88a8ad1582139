import { describe, expect, it } from 'vitest';
import type { v230 } from '../../src/index.ts';
import type { ChargerSimulator } from '../../src/ocpp/simulator.ts';
import { token } from '../support/objects.ts';
import { ocppSuite, simulator } from '../support/ocpp.ts';
import { STORES } from '../support/stores.ts';

const LONG_UID = 'EMSP-APP-USER-0123456789-RESERVE-01';
const TOKEN = { ...token('RES-CARD', '2020-01-01T00:00:00Z') } as v230.tokens.Token;

describe.each(STORES)('OCPI reservations and remote starts on an OCPP 1.6 charger, on %s', (_name, store) => {
  let sim: ChargerSimulator;
  const pair = ocppSuite(store, { commands: { timeoutSeconds: 5 } }, () => sim);

  const expiry = () => new Date(Date.now() + 3_600_000).toISOString();
  const reserve = (reservationId: string, evseUid: string, t: v230.tokens.Token = TOKEN) =>
    pair.emsp.ocpi.commands.reserveNow(pair.cpoAtEmsp, {
      token: t,
      expiry_date: expiry(),
      reservation_id: reservationId,
      location_id: 'LOC1',
      evse_uid: evseUid,
    });
  const cancel = (reservationId: string) =>
    pair.emsp.ocpi.commands.cancelReservation(pair.cpoAtEmsp, { reservation_id: reservationId });
  const lastCall = (action: string) => sim.calls.filter((c) => c.action === action).at(-1);
  /** A field of the last `action` call's payload. */
  const param = (action: string, field: string): unknown => {
    const params = lastCall(action)?.params;
    return typeof params === 'object' && params !== null ? Reflect.get(params, field) : undefined;
  };

  it('RESERVE_NOW is a ReserveNow with an integer reservationId; CANCEL_RESERVATION cancels that same one', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    expect(await (await reserve('RES-1', 'E2')).result).toMatchObject({ result: 'ACCEPTED' });
    const reserved = lastCall('ReserveNow');
    expect(reserved?.params).toMatchObject({ connectorId: 2, idTag: 'RES-CARD' });
    const reservationId = param('ReserveNow', 'reservationId');
    expect(Number.isInteger(reservationId)).toBe(true);

    // The same reservation_id again replaces the reservation: the same integer.
    expect(await (await reserve('RES-1', 'E2')).result).toMatchObject({ result: 'ACCEPTED' });
    expect(lastCall('ReserveNow')?.params).toMatchObject({ reservationId });
    // Another reservation: another integer.
    expect(await (await reserve('RES-2', 'E1')).result).toMatchObject({ result: 'ACCEPTED' });
    expect(lastCall('ReserveNow')?.params).not.toMatchObject({ reservationId });

    expect(await (await cancel('RES-1')).result).toMatchObject({ result: 'ACCEPTED' });
    expect(lastCall('CancelReservation')?.params).toEqual({ reservationId });
    sim.script('CancelReservation', 'Rejected');
    expect(await (await cancel('RES-2')).result).toMatchObject({ result: 'REJECTED' });
    // Cancelled already: nothing to ask the charger.
    expect(await (await cancel('RES-1')).result).toMatchObject({ result: 'UNKNOWN_RESERVATION' });
  });

  it('ReserveNow answers: Occupied, Unavailable, Faulted and Rejected become the matching results', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    const cases: Array<[string, string]> = [
      ['Occupied', 'EVSE_OCCUPIED'],
      ['Unavailable', 'EVSE_INOPERATIVE'],
      ['Faulted', 'FAILED'],
      ['Rejected', 'REJECTED'],
    ];
    for (const [index, [answer, result]] of cases.entries()) {
      sim.script('ReserveNow', answer);
      expect(await (await reserve(`RES-A${index}`, 'E1')).result).toMatchObject({ result });
    }
  });

  it('a long token uid reserves with its short idTag; a pending remote start idTag is Accepted', async () => {
    sim = simulator(pair.cpo, { startOnRemote: false });
    await sim.start();
    const long = { ...TOKEN, uid: LONG_UID, contract_id: 'DE-MSP-LONG' };
    expect(await (await reserve('RES-L', 'E1', long)).result).toMatchObject({ result: 'ACCEPTED' });
    const idTag = String(param('ReserveNow', 'idTag'));
    expect(idTag).toHaveLength(20);

    const sent = await pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: long,
      location_id: 'LOC1',
      evse_uid: 'E1',
    });
    expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
    expect(lastCall('RemoteStartTransaction')?.params).toEqual({ idTag, connectorId: 1 });
    // Not pushed to the CPO as a Token, but the idTag of a remote start waiting for its car.
    const answer = await sim.call('Authorize', { idTag });
    expect(answer).toEqual({ idTagInfo: { status: 'Accepted' } });
    expect(await sim.call('Authorize', { idTag: 'NOT-PENDING' })).toEqual({
      idTagInfo: { status: 'Invalid' },
    });
    const tx = await sim.startTransaction(1, idTag);
    expect(tx.status).toBe('Accepted');
    await sim.stopTransaction(1);
  });
});
