import { describe, expect, it } from 'vitest';
import type { v230 } from '../../src/index.ts';
import type { ChargerSimulator } from '../../src/ocpp/simulator.ts';
import { token } from '../support/objects.ts';
import { ocppSuite, simulator } from '../support/ocpp.ts';
import { eventually } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const TOKEN = { ...token('RES-END', '2020-01-01T00:00:00Z') } as v230.tokens.Token;

describe.each(STORES)('a charger ending a reservation on its own (OCPP 1.6), on %s', (_name, store) => {
  let sim: ChargerSimulator;
  const pair = ocppSuite(store, { commands: { timeoutSeconds: 5 } }, () => sim);

  /** Reserves an EVSE (accepted by the charger); gives the eMSP's command id. */
  async function reserve(reservationId: string, evseUid: string): Promise<string> {
    const sent = await pair.emsp.ocpi.commands.reserveNow(pair.cpoAtEmsp, {
      token: TOKEN,
      expiry_date: new Date(Date.now() + 3_600_000).toISOString(),
      reservation_id: reservationId,
      location_id: 'LOC1',
      evse_uid: evseUid,
    });
    expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
    return sent.id;
  }
  const resultAtEmsp = async (id: string) => (await pair.emsp.ocpi.commands.get(id))?.result;
  const cancelledAtEmsp = (id: string) =>
    eventually(async () => ((await resultAtEmsp(id)) === 'CANCELED_RESERVATION' ? true : undefined));

  it('Reserved → Faulted before the expiry: CANCELED_RESERVATION reaches the eMSP, once', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    const id = await reserve('END-1', 'E2');
    await sim.status(2, 'Reserved');
    await sim.status(2, 'Faulted');
    await cancelledAtEmsp(id);
    // The reservation is over at both ends: cancelling it now finds nothing.
    const cancel = await pair.emsp.ocpi.commands.cancelReservation(pair.cpoAtEmsp, {
      reservation_id: 'END-1',
    });
    expect(await cancel.result).toMatchObject({ result: 'UNKNOWN_RESERVATION' });
    expect(sim.calls.filter((c) => c.action === 'CancelReservation')).toEqual([]);
  });

  it('used by a session, cancelled by the eMSP, expired, or never shown Reserved: nothing is sent', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    // Used: Reserved → Preparing (the driver plugs in).
    const used = await reserve('END-USED', 'E1');
    await sim.status(1, 'Reserved');
    await sim.status(1, 'Preparing');
    await sim.status(1, 'Available');
    // Cancelled by the eMSP: the charger's Available afterwards is what the cancel asked for.
    const cancelled = await reserve('END-CANCEL', 'E1');
    await sim.status(1, 'Reserved');
    const cancel = await pair.emsp.ocpi.commands.cancelReservation(pair.cpoAtEmsp, {
      reservation_id: 'END-CANCEL',
    });
    expect(await cancel.result).toMatchObject({ result: 'ACCEPTED' });
    await sim.status(1, 'Available');
    // Expired: its expiry passed (moved into the past in the store) before the charger let go.
    const expired = await reserve('END-EXPIRED', 'E1');
    await sim.status(1, 'Reserved');
    await pair.cpo.ocpi.store.db
      .updateTable('ocpi_ocpp_reservations')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('held', '=', true)
      .execute();
    await sim.status(1, 'Available');
    // Never shown Reserved: an Available is no ending.
    const unseen = await reserve('END-UNSEEN', 'E1');
    await sim.status(1, 'Available');

    // A reservation the charger drops afterwards is reported: what came before was handled by then.
    const marker = await reserve('END-MARKER', 'E2');
    await sim.status(2, 'Reserved');
    await sim.status(2, 'Unavailable');
    await cancelledAtEmsp(marker);
    for (const id of [used, cancelled, expired, unseen]) expect(await resultAtEmsp(id)).toBe('ACCEPTED');
  });

  it('a ReserveNow the charger refused is not watched', async () => {
    sim = simulator(pair.cpo);
    await sim.start();
    sim.script('ReserveNow', 'Occupied');
    const sent = await pair.emsp.ocpi.commands.reserveNow(pair.cpoAtEmsp, {
      token: TOKEN,
      expiry_date: new Date(Date.now() + 3_600_000).toISOString(),
      reservation_id: 'END-REFUSED',
      location_id: 'LOC1',
      evse_uid: 'E2',
    });
    expect(await sent.result).toMatchObject({ result: 'EVSE_OCCUPIED' });
    const params = sim.calls.filter((c) => c.action === 'ReserveNow').at(-1)?.params;
    const reservationId = Number(
      typeof params === 'object' && params ? Reflect.get(params, 'reservationId') : 0,
    );
    const row = await pair.cpo.ocpi.store.db
      .selectFrom('ocpi_ocpp_reservations')
      .select('held')
      .where('reservation_id', '=', reservationId)
      .executeTakeFirst();
    expect(row).toEqual({ held: false });
  });
});
