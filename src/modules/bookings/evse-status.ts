import type { ClockTimer } from '../../clock.ts';
import type { Booking } from '../../model/v230/bookings.ts';
import type { OcpiNode } from '../../node.ts';
import type { BookingRepository } from '../../store/booking-repository.ts';
import type { EvseShown } from '../../store/schema-bookings.ts';
import { OcpiError } from '../../transport/errors.ts';
import type { Publisher } from '../objects/publisher.ts';

/** Node's timers overflow past 2^31-1 ms (about 24 days): a later slot is looked at again then. */
const LONGEST_WAIT = 2_147_483_647;

const active = (booking: Booking) =>
  booking.reservation_status === 'RESERVED' || booking.reservation_status === 'PENDING';

/**
 * Shows a booked EVSE RESERVED to everyone during its slot: at the slot's start its status
 * is set RESERVED (when it is AVAILABLE), at the slot's end, or when the booking ends
 * earlier (canceled, fulfilled), AVAILABLE again (when it is still RESERVED), each change
 * published through the Locations publisher. Timers run on node.clock and are set again
 * from the store on start (resume()). Bookings of a whole BookingLocation (no EVSE) name
 * no EVSE to show.
 */
export class BookedEvseStatus {
  private readonly timers = new Map<string, ClockTimer[]>();
  private stopped = false;

  constructor(
    private readonly node: OcpiNode,
    private readonly repo: BookingRepository,
    private readonly locations: Publisher<'locations'>,
    private readonly wake: () => void,
  ) {}

  /** Schedules every active booking that has not ended yet. */
  async resume(): Promise<void> {
    this.stopped = false;
    const rows = await this.repo.activeEndingAfter(new Date(this.node.clock.now()));
    for (const row of rows) this.schedule(row.data);
  }

  stop(): void {
    this.stopped = true;
    for (const timers of this.timers.values()) for (const t of timers) t.cancel();
    this.timers.clear();
  }

  /** (Re)schedules a booking after a change: its slot's start and end, or its release. */
  schedule(booking: Booking): void {
    for (const t of this.timers.get(booking.id) ?? []) t.cancel();
    this.timers.delete(booking.id);
    const evseUid = booking.booking_option?.evse_uid;
    if (this.stopped || !evseUid || evseUid === '#NA') return;
    const now = this.node.clock.now();
    const start = Date.parse(booking.period.start_date_time);
    const end = Date.parse(booking.period.end_date_time);
    if (!active(booking)) {
      if (start <= now && now < end) this.set(booking, evseUid, 'RESERVED', 'AVAILABLE');
      return;
    }
    if (end <= now) return;
    const timers: ClockTimer[] = [];
    const at = (time: number, run: () => void) => {
      const wait = time - now;
      timers.push(
        this.node.clock
          .setTimeout(wait > LONGEST_WAIT ? () => this.schedule(booking) : run, Math.min(wait, LONGEST_WAIT))
          .unref(),
      );
    };
    if (start > now) at(start, () => this.set(booking, evseUid, 'AVAILABLE', 'RESERVED'));
    else this.set(booking, evseUid, 'AVAILABLE', 'RESERVED');
    at(end, () => this.set(booking, evseUid, 'RESERVED', 'AVAILABLE'));
    this.timers.set(booking.id, timers);
  }

  /**
   * Sets the EVSE's status to `to` when it is `from` now; failures are logged. Every
   * instance runs these timers: the change is written (and pushed) in one transaction with
   * a conditional move of the booking's `evse_shown` ('' → RESERVED, RESERVED → RELEASED),
   * so of several instances exactly one publishes it. Emits `booking-evse-status`
   * { bookingId, evseUid, status, written } after each attempt.
   */
  private set(booking: Booking, evseUid: string, from: string, to: string): void {
    const ref = { countryCode: booking.country_code, partyId: booking.party_id, id: booking.location_id };
    const [shownFrom, shownTo]: [EvseShown, EvseShown] =
      to === 'RESERVED' ? ['', 'RESERVED'] : ['RESERVED', 'RELEASED'];
    const change = async (): Promise<boolean> => {
      for (;;) {
        const location = await this.locations.get(booking.location_id);
        const evse = location?.evses?.find((e) => e.uid === evseUid);
        if (evse?.status !== from) return false;
        const staged = await this.locations.stagePatch(ref, [evseUid], { status: to });
        try {
          const written = await this.node.store.db.transaction().execute(async (trx) => {
            if (!(await this.repo.moveEvseShown(booking.id, shownFrom, shownTo, trx))) return false;
            await staged.apply(trx);
            return true;
          });
          if (written) this.wake();
          return written;
        } catch (error) {
          // The Location changed while its PATCH was staged: look again.
          if (!(error instanceof OcpiError && error.code === 'OCPI_ERR_RECIPIENTS_CHANGED')) throw error;
        }
      }
    };
    change()
      .then((written) =>
        this.node.events.emit('booking-evse-status', { bookingId: booking.id, evseUid, status: to, written }),
      )
      .catch((err: Error) =>
        this.node.log.error(
          { err, booking: booking.id, evse: evseUid },
          'could not show the booked EVSE status',
        ),
      );
  }
}
