import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking } from '../../src/model/v230/bookings.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { at, bookingLocation, bookingRequest, startBookingPair } from '../support/bookings.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { eventually } from '../support/pair.ts';
import { POSTGRES_ENV, postgresStore, STORES } from '../support/stores.ts';

const MINUTE = 60_000;
/** BL1 on E1 of LOC1, whose bookings are NO_SHOW 15 minutes after their start. */
const noShowLocation = () => {
  const base = bookingLocation();
  return bookingLocation('BL1', {
    booking_terms: {
      ...base.booking_terms,
      supported_access_methods: ['TOKEN'],
      cancel_until_minutes: 30,
      change_until_minutes: 60,
      noshow_timeout: 15,
    },
  });
};

/** A CPO (on `store`, the test's clock) with LOC1/E1 and BL1, and an eMSP registered with it. */
const setUp = (clock: ManualClock, store: Store, closers: Array<() => Promise<unknown>>) =>
  startBookingPair(clock, store, closers, noShowLocation());

/**
 * NO_SHOW: a RESERVED booking nobody used within its noshow_timeout becomes NO_SHOW,
 * pushed to the eMSP, its EVSE AVAILABLE again; the timer is set again after a restart,
 * and one that fell due while the CPO was down fires when it starts.
 */
describe.each(STORES)('booking no-show (%s)', (_name, storeOptions) => {
  const clock = new ManualClock(Date.parse(at('09:00')));
  const closers: Array<() => Promise<unknown>> = [];
  let store: Store;

  beforeAll(async () => {
    store = await openStore(storeOptions());
    closers.push(() => store.close());
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('becomes NO_SHOW after noshow_timeout, also across a restart and when due while the CPO was down', async () => {
    const { emsp, partnerId, startCpo, copy, seenByEmsp, ...first } = await setUp(clock, store, closers);
    let cpo = first.cpo;
    // Requested up front: a restarted CPO listens on another port than the one the eMSP knows.
    const ns1 = await emsp.ocpi.bookings.request(partnerId, bookingRequest('NS1', '10:00', '11:00'));
    await emsp.ocpi.bookings.request(partnerId, bookingRequest('NS2', '12:00', '13:00'));
    await emsp.ocpi.bookings.request(partnerId, bookingRequest('NS3', '14:00', '15:00'));
    await clock.advance(74 * MINUTE); // 10:14
    await eventually(async () => (await seenByEmsp()) === 'RESERVED' || undefined);
    expect((await cpo.ocpi.bookings.get(ns1.id))?.reservation_status).toBe('RESERVED');
    await clock.advance(2 * MINUTE); // 10:16
    await eventually(async () => (await copy('NS1'))?.reservation_status === 'NO_SHOW' || undefined);
    await eventually(async () => (await seenByEmsp()) === 'AVAILABLE' || undefined);

    // Set again from the store after a restart.
    await cpo.close();
    cpo = await startCpo();
    await clock.advance(120 * MINUTE); // 12:16
    await eventually(async () => (await copy('NS2'))?.reservation_status === 'NO_SHOW' || undefined);

    // Due while the CPO was down: NO_SHOW as soon as it is back.
    await cpo.close();
    await clock.advance(134 * MINUTE); // 14:30
    cpo = await startCpo();
    closers.push(() => cpo.close());
    await clock.advance(0);
    await eventually(async () => (await copy('NS3'))?.reservation_status === 'NO_SHOW' || undefined);
  });
});

/**
 * Two instances of one CPO on one PostgreSQL schema both run the timers of a booking: its
 * EVSE's RESERVED status and its NO_SHOW are each written and pushed by exactly one.
 */
describe.skipIf(process.env[POSTGRES_ENV] === '0')(
  'booking timers on two instances sharing PostgreSQL',
  () => {
    const clock = new ManualClock(Date.parse(at('09:00')));
    const closers: Array<() => Promise<unknown>> = [];
    afterAll(async () => {
      for (const close of closers.reverse()) await close();
    });

    it('pushes the EVSE status and the NO_SHOW once', async () => {
      const store = await openStore(postgresStore());
      closers.push(() => store.close());
      const { cpo: a, emsp, partnerId, startCpo, copy, seenByEmsp } = await setUp(clock, store, closers);
      closers.push(() => a.close());
      const pushedLocations: unknown[] = [];
      const pushedBookings: Booking[] = [];
      emsp.ocpi.events.on('received', (e: { module: string; object: unknown }) => {
        if (e.module === 'locations') pushedLocations.push(e.object);
        if (e.module === 'bookings') pushedBookings.push(e.object as Booking);
      });
      await emsp.ocpi.bookings.request(partnerId, bookingRequest('TWO1', '10:00', '11:00'));
      // B starts after the booking was made: it sets the booking's timers from the store.
      const b = await startCpo();
      closers.push(() => b.close());
      const statusEvents: Array<{ written: boolean; status: string }> = [];
      const noShowEvents: Array<{ booking?: Booking }> = [];
      for (const node of [a, b]) {
        node.ocpi.events.on('booking-evse-status', (e: { written: boolean; status: string }) =>
          statusEvents.push(e),
        );
        node.ocpi.events.on('booking-no-show', (e: { booking?: Booking }) => noShowEvents.push(e));
      }
      await eventually(async () => (await copy('TWO1'))?.reservation_status === 'RESERVED' || undefined);
      const locationsBefore = pushedLocations.length;
      // Delivery leases run on the test's clock too: a jump while a delivered row is still
      // leased would let the other instance deliver it again (at least once). Jump when idle.
      const drained = () =>
        eventually(async () => {
          const left = await store.db.selectFrom('ocpi_outbox').select('id').execute();
          return left.length === 0 ? true : undefined;
        });
      await drained();

      await clock.advance(60 * MINUTE); // 10:00, the slot starts
      await eventually(async () => (await seenByEmsp()) === 'RESERVED' || undefined);
      await eventually(async () => (statusEvents.length === 2 ? true : undefined));
      expect(statusEvents.filter((e) => e.written)).toHaveLength(1);
      statusEvents.length = 0;
      await eventually(async () => (pushedLocations.length > locationsBefore ? true : undefined));

      await drained();
      await clock.advance(16 * MINUTE); // 10:16, no-show
      await eventually(async () => (noShowEvents.length === 2 ? true : undefined));
      expect(noShowEvents.filter((e) => e.booking)).toHaveLength(1);
      await eventually(async () => (await copy('TWO1'))?.reservation_status === 'NO_SHOW' || undefined);
      // The NO_SHOW released the EVSE (on the instance that wrote it).
      await eventually(async () => (statusEvents.some((e) => e.status === 'AVAILABLE') ? true : undefined));
      expect(statusEvents.filter((e) => e.written)).toHaveLength(1);
      // Everything enqueued was delivered: nothing more can reach the eMSP.
      await drained();
      expect(pushedBookings.filter((p) => p.reservation_status === 'NO_SHOW')).toHaveLength(1);
      // The RESERVED status once, and AVAILABLE once after the no-show released the EVSE.
      expect(pushedLocations.length - locationsBefore).toBe(2);
    });
  },
);
