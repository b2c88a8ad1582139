import type { ClockTimer } from '../../clock.ts';
import type { Booking } from '../../model/v230/bookings.ts';
import type { OcpiNode } from '../../node.ts';
import type { CpoBookings } from './cpo-bookings.ts';

const MINUTE = 60_000;
/** Node's timers overflow past 2^31-1 ms (about 24 days): a later no-show is looked at again then. */
const LONGEST_WAIT = 2_147_483_647;

/**
 * NO_SHOW: a RESERVED booking whose slot started more than its BookingTerms.noshow_timeout
 * minutes ago, with no session started for it (that would have FULFILLED it), becomes
 * NO_SHOW, pushed to the eMSP like every change. Bookings without a noshow_timeout never
 * do ("no timeout if unspecified"). Timers run on node.clock and are set again from the
 * store on start (resume()); one overdue while the node was down fires at once. Every
 * instance may run them: CpoBookings.noShow() is a conditional UPDATE (WHERE status =
 * 'RESERVED'), so one instance writes and pushes, the others find nothing to do.
 */
export class NoShowTimers {
  private readonly timers = new Map<string, ClockTimer>();
  private stopped = false;

  constructor(
    private readonly node: OcpiNode,
    private readonly cpo: CpoBookings,
  ) {}

  /** Schedules the no-show of every RESERVED booking with a noshow_timeout. */
  async resume(): Promise<void> {
    this.stopped = false;
    for (const row of await this.cpo.repo.reservedWithNoShow()) this.schedule(row.data);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /** (Re)schedules a booking after a change: its no-show while RESERVED, nothing otherwise. */
  schedule(booking: Booking): void {
    this.timers.get(booking.id)?.cancel();
    this.timers.delete(booking.id);
    const timeout = booking.booking_terms.noshow_timeout;
    if (this.stopped || booking.reservation_status !== 'RESERVED' || timeout === undefined) return;
    const due = Date.parse(booking.period.start_date_time) + timeout * MINUTE;
    const wait = due - this.node.clock.now();
    const timer = this.node.clock
      .setTimeout(
        wait > LONGEST_WAIT ? () => this.schedule(booking) : () => this.fire(booking.id),
        Math.max(0, Math.min(wait, LONGEST_WAIT)),
      )
      .unref();
    this.timers.set(booking.id, timer);
  }

  /** Emits `booking-no-show` { bookingId, booking } after each timer; `booking` only where it was written. */
  private fire(bookingId: string): void {
    this.timers.delete(bookingId);
    this.cpo
      .noShow(bookingId)
      .then((booking) => this.node.events.emit('booking-no-show', { bookingId, booking }))
      .catch((err: Error) =>
        this.node.log.error({ err, booking: bookingId }, 'could not mark a booking NO_SHOW'),
      );
  }
}
