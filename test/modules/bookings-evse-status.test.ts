import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/store.ts';
import { at, bookingLocation, bookingRequest } from '../support/bookings.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { startNode } from '../support/nodes.ts';
import { evse, location } from '../support/objects.ts';
import { CPO_PARTY, EMSP_PARTY, eventually } from '../support/pair.ts';

/**
 * A booked EVSE shows RESERVED to every partner during its slot, and AVAILABLE again
 * after it; the slot's timers are set again when the CPO restarts.
 */
describe('the status of a booked EVSE', () => {
  const clock = new ManualClock(Date.parse(at('09:00')));
  let store: Store;
  const closers: Array<() => Promise<unknown>> = [];
  const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
  const startCpo = () =>
    startNode({ versions: ['2.3.0'], parties: [CPO_PARTY], clock, store, delivery: fast });

  beforeAll(async () => {
    store = await openStore({ kind: 'pglite', dataDir: 'memory' });
    closers.push(() => store.close());
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('is RESERVED during the slot, AVAILABLE after it, also across a restart of the CPO', async () => {
    let cpo = await startCpo();
    const emsp = await startNode({ parties: [EMSP_PARTY], delivery: fast });
    closers.push(() => emsp.close());
    const partner = await emsp.ocpi.registerWith(
      cpo.ocpi.versionsUrl(),
      await cpo.ocpi.createRegistrationToken(),
    );
    await cpo.ocpi.locations.put(
      JSON.parse(JSON.stringify({ ...location('LOC1', 1), evses: [evse('E1')] })),
      '2.3.0',
    );
    await cpo.ocpi.bookings.locations.put(bookingLocation());
    await emsp.ocpi.bookings.request(partner.id, bookingRequest('ST1', '10:00', '11:00'));
    const statusAt = async (node: typeof cpo) => (await node.ocpi.locations.get('LOC1'))?.evses?.[0]?.status;
    const seenByEmsp = async () =>
      (await emsp.ocpi.locations.received(partner.id, { countryCode: 'NL', partyId: 'CPO', id: 'LOC1' }))
        ?.evses?.[0]?.status;

    await clock.advance(30 * 60_000); // 09:30
    expect(await statusAt(cpo)).toBe('AVAILABLE');
    await clock.advance(30 * 60_000); // 10:00
    await eventually(async () => (await statusAt(cpo)) === 'RESERVED' || undefined);
    await eventually(async () => (await seenByEmsp()) === 'RESERVED' || undefined);

    // A restart in the slot: the new instance sets the slot's end again.
    await cpo.close();
    cpo = await startCpo();
    closers.push(() => cpo.close());
    await clock.advance(60 * 60_000); // 11:00
    await eventually(async () => (await statusAt(cpo)) === 'AVAILABLE' || undefined);
    await eventually(async () => (await seenByEmsp()) === 'AVAILABLE' || undefined);
  });
});
