import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/store.ts';
import { at, bookingRequest, startBookingPair } from '../support/bookings.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { eventually } from '../support/pair.ts';

/**
 * A booked EVSE shows RESERVED to every partner during its slot, and AVAILABLE again
 * after it; the slot's timers are set again when the CPO restarts.
 */
describe('the status of a booked EVSE', () => {
  const clock = new ManualClock(Date.parse(at('09:00')));
  let store: Store;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    store = await openStore({ kind: 'pglite', dataDir: 'memory' });
    closers.push(() => store.close());
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('is RESERVED during the slot, AVAILABLE after it, also across a restart of the CPO', async () => {
    const { emsp, partnerId, startCpo, seenByEmsp, ...first } = await startBookingPair(clock, store, closers);
    let cpo = first.cpo;
    await emsp.ocpi.bookings.request(partnerId, bookingRequest('ST1', '10:00', '11:00'));
    const statusAt = async (node: typeof cpo) => (await node.ocpi.locations.get('LOC1'))?.evses?.[0]?.status;

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
