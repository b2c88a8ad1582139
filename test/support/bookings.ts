import type { Booking, BookingLocation, BookingRequest } from '../../src/model/v230/bookings.ts';
import type { Store } from '../../src/store/store.ts';
import type { ManualClock } from './manual-clock.ts';
import { startNode } from './nodes.ts';
import { evse, location } from './objects.ts';
import { CPO_PARTY, EMSP_PARTY } from './pair.ts';

/*
 * Bookings test data: a BookingLocation of NL*CPO open for booking all day on DAY, and
 * requests of DE*MSP for it.
 */

export const DAY = '2030-06-01';
export const at = (time: string) => `${DAY}T${time}:00Z`;

/** A BookingLocation of NL*CPO on Location LOC1, bookable on DAY from 08:00 to 20:00. */
export function bookingLocation(id = 'BL1', fields: Partial<BookingLocation> = {}): BookingLocation {
  return {
    country_code: 'NL',
    party_id: 'CPO',
    id,
    location_id: 'LOC1',
    booking_option: { evse_uid: 'E1' },
    tariff_ids: ['T1'],
    booking_terms: {
      supported_access_methods: ['TOKEN'],
      change_until_minutes: 60,
      cancel_until_minutes: 30,
      min_booking_duration: 15,
      max_booking_duration: 240,
    },
    calendars: [
      {
        id: 'CAL1',
        begin_from: at('00:00'),
        end_before: `${DAY}T23:59:59Z`,
        timeslot_increment: 15,
        available_timeslots: [{ start_date_time: at('08:00'), end_date_time: at('20:00') }],
        last_updated: '2030-01-01T00:00:00Z',
      },
    ],
    last_updated: '2030-01-01T00:00:00Z',
    ...fields,
  };
}

/** A request of DE*MSP to book BL1 from `from` to `to` (HH:MM on DAY). */
export function bookingRequest(
  requestId: string,
  from = '10:00',
  to = '11:00',
  fields: Partial<BookingRequest> = {},
): BookingRequest {
  return {
    country_code: 'DE',
    party_id: 'MSP',
    request_id: requestId,
    location_id: 'LOC1',
    booking_location_id: 'BL1',
    tokens: [{ country_code: 'DE', party_id: 'MSP', uid: 'TOK1', type: 'RFID', contract_id: 'DE-MSP-C1' }],
    period: { start_date_time: at(from), end_date_time: at(to) },
    authorization_reference: `AUTH-${requestId}`,
    ...fields,
  };
}

/** Delivery that retries fast, for tests. */
const FAST_DELIVERY = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };

/**
 * A CPO (2.3.0, on `store` and the test's clock) with Location LOC1/E1 and `bookable` (BL1
 * by default), and an eMSP registered with it; the eMSP is closed with `closers`, the CPO is
 * the test's to close (it may restart it with `startCpo`, on the same store and clock).
 */
export async function startBookingPair(
  clock: ManualClock,
  store: Store,
  closers: Array<() => Promise<unknown>>,
  bookable: BookingLocation = bookingLocation(),
) {
  const startCpo = () =>
    startNode({ versions: ['2.3.0'], parties: [CPO_PARTY], clock, store, delivery: FAST_DELIVERY });
  const cpo = await startCpo();
  const emsp = await startNode({ parties: [EMSP_PARTY], delivery: FAST_DELIVERY });
  closers.push(() => emsp.close());
  const partner = await emsp.ocpi.registerWith(
    cpo.ocpi.versionsUrl(),
    await cpo.ocpi.createRegistrationToken(),
  );
  await cpo.ocpi.locations.put(
    JSON.parse(JSON.stringify({ ...location('LOC1', 1), evses: [evse('E1')] })),
    '2.3.0',
  );
  await cpo.ocpi.bookings.locations.put(bookable);
  const copy = async (requestId: string) => emsp.ocpi.bookings.received(partner.id, requestId);
  // What the eMSP was told: the CPO's own Location reads are cached (a read racing a write may
  // keep the old row until the cache's time on the test's frozen clock runs out).
  const seenByEmsp = async () =>
    (await emsp.ocpi.locations.received(partner.id, { countryCode: 'NL', partyId: 'CPO', id: 'LOC1' }))
      ?.evses?.[0]?.status;
  return { cpo, emsp, partnerId: partner.id, startCpo, copy, seenByEmsp };
}

export type { Booking };
