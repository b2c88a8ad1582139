import type { Booking } from '../../model/v230/bookings.ts';
import type { OcpiNode } from '../../node.ts';
import type { BookingRow } from '../../store/booking-repository.ts';
import { SharedRoundTrip } from '../../store/shared-round-trip.ts';
import type { CpoBookings } from './cpo-bookings.ts';
import type { BookingGuard, StartRequest, StartVerdict } from './service.ts';

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toUpperCase() === b.toUpperCase();

/** Whether a session of this token or authorization_reference is the booking's own. */
const ownedBy = (booking: Booking, start: StartRequest) =>
  same(booking.authorization_reference, start.authorizationReference) ||
  (booking.booking_tokens ?? []).some((t) => same(t.uid, start.tokenUid));

/** An active booking and the EVSE it holds ('' for a whole BookingLocation). */
interface Held {
  booking: Booking;
  evseUid: string;
}

/**
 * Bookings and charging (CPO): what a START_SESSION meets, and which booking a started
 * session fulfils. Token uids and references compare case-insensitively (CiStrings).
 *
 * The rule for a START_SESSION that names no EVSE: the charger then picks the EVSE, which
 * may be a booked one, so while an active booking of that Location holds its slot only the
 * booking's own driver may start that way; anyone else is refused and told to name a free
 * EVSE. A START_SESSION that names an EVSE meets the bookings of that EVSE only (a booking
 * of a whole BookingLocation, which names no EVSE, does not hold a named EVSE).
 *
 * A session fulfils the active booking, holding the time the charger reports, of its
 * Location on its EVSE (or of the whole BookingLocation) whose token or
 * authorization_reference it carries.
 */
export class BookingStarts implements BookingGuard {
  /**
   * The bookings active now, read once for all the START_SESSIONs that come while a read is
   * on the way (each gets a read that started after its call): under load one query per
   * round trip, not one per command.
   */
  private readonly activeNow: SharedRoundTrip<BookingRow[]>;

  constructor(
    private readonly node: OcpiNode,
    private readonly cpo: CpoBookings,
  ) {
    this.activeNow = new SharedRoundTrip(() => this.cpo.repo.activeAt(new Date(this.node.clock.now())));
  }

  async checkStart(start: StartRequest): Promise<StartVerdict> {
    const atLocation = atLocationOf(await this.activeNow.after(), start.locationId);
    const holding = start.evseUid ? atLocation.filter((h) => same(h.evseUid, start.evseUid)) : atLocation;
    if (holding.length === 0) return { kind: 'free' };
    const own = holding.find((h) => ownedBy(h.booking, start));
    if (own) return { kind: 'own', bookingId: own.booking.id };
    return {
      kind: 'booked',
      message: start.evseUid
        ? `EVSE ${start.evseUid} is booked by another driver now`
        : `Location ${start.locationId} has EVSEs booked by other drivers now: name a free evse_uid`,
    };
  }

  async sessionStarted(start: StartRequest & { evseUid: string; at: Date }): Promise<string | undefined> {
    const atLocation = await this.activeAtLocation(start.locationId, start.at);
    const own = atLocation.find(
      (h) => (h.evseUid === '' || same(h.evseUid, start.evseUid)) && ownedBy(h.booking, start),
    );
    if (!own) return undefined;
    return (await this.cpo.fulfil(own.booking.id))?.id;
  }

  private async activeAtLocation(locationId: string, at: Date): Promise<Held[]> {
    return atLocationOf(await this.cpo.repo.activeAt(at), locationId);
  }
}

function atLocationOf(rows: readonly BookingRow[], locationId: string): Held[] {
  return rows
    .filter((r) => same(r.data.location_id, locationId))
    .map((r) => ({ booking: r.data, evseUid: r.evse_uid }));
}
