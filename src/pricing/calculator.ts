import { parseDateTime } from '../model/datetime.ts';
import type { Tariff } from '../model/v230/tariffs.ts';
import { OcpiError } from '../transport/errors.ts';
import { cdrVolumes } from './cdr.ts';
import { chargePeriods } from './charges.ts';
import { toPrice } from './money.ts';
import {
  billQuantities,
  emptyPeriod,
  mergeIntoPeriods,
  needsEmptyPeriod,
  placeFlats,
  roundToSteps,
} from './periods.ts';
import { currentWasUnknown, restrictionContexts, selector, selectPieces } from './selection.ts';
import {
  averagePowerWhereUnmeasured,
  consumedEnergy,
  cutAtRestrictionBoundaries,
  frameOf,
  parseInstant,
  segmentsOf,
} from './timeline.ts';
import { assertTimeZone } from './timezone.ts';
import type { CdrCostFields, PricingOptions, PricingSession, SessionPricing } from './types.ts';

/*
 * Tariff calculator: prices a session against one OCPI 2.3.0 Tariff and produces the cost fields
 * of a CDR. Pure: no clock, no I/O.
 *
 * How it works
 * 1. The input (meter samples or metered periods) becomes a timeline of segments with a state
 *    (CHARGING / PARKING / RESERVATION), energy at both ends (linear in between), current and power.
 * 2. Segments are cut wherever any restriction of any element could change its verdict: energy
 *    thresholds (min_kwh/max_kwh; the crossing instant is interpolated), session durations
 *    (min_duration/max_duration), local times of day named in start_time/end_time, local
 *    midnight (dates, weekdays) and UTC-offset changes (DST). Current and power are constant per
 *    segment already.
 * 3. Each piece is evaluated once, at its midpoint. Per dimension, the first element (in tariff
 *    order) that has a price component of that dimension and whose restrictions all match
 *    supplies the price; no such element means the dimension is free there. Reservation time
 *    only matches elements with a `reservation` restriction (RESERVATION_EXPIRES elements first
 *    when the reservation expired); session time only elements without one.
 * 4. Consecutive pieces with the same state and the same price components are merged into one
 *    charging period, so a new period starts exactly when another price component becomes active.
 * 5. Quantities are billed per period; step_size applies once per session and dimension group, on
 *    the total, with the step of the last period that used it: ENERGY on its own (total Wh), TIME
 *    and PARKING_TIME together (only the dimension of the last time-billed period is rounded, its
 *    session total rounded up and the excess billed in that last period), reservation time on its
 *    own. FLAT is billed once per phase (session, reservation), from the first piece where a FLAT
 *    component is active.
 * 6. Costs are exact rationals until reported; see money.ts for taxes, rounding and min/max price.
 *
 * Units inside: time in ms since the epoch, energy in whole mWh (1e-6 kWh).
 * Where the steps live: 1-2 timeline.ts, 3 selection.ts, 4-5 periods.ts, 6 charges.ts (and
 * money.ts); the CDR's measured volumes in cdr.ts.
 *
 * Choices where the spec leaves room (and approximations):
 * - Energy between two meter readings is taken as linear; a min_kwh/max_kwh crossing is placed at
 *   the interpolated instant (ms precision), with exactly the threshold energy on each side.
 * - Power restrictions use the power the caller measured; otherwise the average power of the
 *   metering interval. Current cannot be derived: an unknown current matches no current
 *   restriction (and a warning says so).
 * - day_of_week, start_date and end_date are judged on the local date of each instant, separately
 *   from start_time/end_time: a 22:00-06:00 window restricted to FRIDAY does not cover Saturday 02:00.
 * - A restriction window with start_time equal to end_time is taken to cover the whole day.
 * - CHARGING / PARKING are the caller's states (2.3.0: parking is time the vehicle does not
 *   request power); energy metered while PARKING is still billed as ENERGY.
 * - Reservation time is priced only by elements with a `reservation` restriction, rounded with its
 *   own step_size and reported in total_reservation_cost; it is not part of total_time, which
 *   covers the session proper (so total_time - total_parking_time is the charging time).
 * - CDR charging_periods carry measured volumes (ENERGY, TIME, PARKING_TIME, RESERVATION_TIME, and
 *   MIN/MAX_CURRENT and MIN/MAX_POWER where measured); step-rounded quantities are in `periods`.
 *   2.3.0's CdrDimensionType has no FLAT, so the flat fee appears only in the costs.
 * - min_price/max_price change total_cost only; the per-dimension totals stay as computed.
 * - Tariff.start_date_time/end_date_time do not select anything (picking the tariff is the
 *   caller's job); a session starting outside them gets a warning. Bookings-package `booking`
 *   restrictions are not supported: such elements never match.
 */

/**
 * Prices a session with a Tariff. Throws OCPI_ERR_INVALID_ARGUMENT on malformed input (bad DateTimes, samples
 * out of order or outside the session, a meter running back, an unknown time zone, charging
 * during an expired reservation, reservation time after the session started).
 */
export function priceSession(
  tariff: Tariff,
  session: PricingSession,
  options: PricingOptions = {},
): SessionPricing {
  const { start, end } = sessionBounds(session);
  // 1. Input to a timeline of segments, reservation time first.
  const segments = segmentsOf(session, start, end);
  const frame = frameOf(session, segments, start, end);
  consumedEnergy(segments);
  averagePowerWhereUnmeasured(segments);
  // 2. Cut at every instant where a restriction may change its verdict; 3. price each piece.
  const select = selector(tariff, frame.expired);
  const contextAt = restrictionContexts(frame);
  const pieces = selectPieces(cutAtRestrictionBoundaries(tariff, segments, frame), select, contextAt);
  const warnings: string[] = [];
  if (currentWasUnknown(tariff, pieces)) {
    warnings.push('current restrictions did not match where the charging current was unknown');
  }
  // 4. Periods and FLAT fees; 5. billed quantities and step_size.
  const periods = mergeIntoPeriods(pieces);
  if (needsEmptyPeriod(frame, periods)) periods.push(emptyPeriod(frame, select, contextAt));
  const orphanFlats = placeFlats(frame, pieces, periods, select, contextAt);
  billQuantities(periods);
  roundToSteps(periods);
  // 6. Money.
  const charges = chargePeriods(tariff, periods, orphanFlats, options);
  warnings.push(...charges.warnings);
  checkValidity(tariff, start, warnings);

  const volumes = cdrVolumes(tariff, frame, periods, options.volume_decimals ?? 4);
  const { rounded } = charges;
  const result: SessionPricing = {
    tariff_id: tariff.id,
    currency: tariff.currency,
    charging_periods: volumes.charging_periods,
    total_cost: toPrice(charges.limited.money),
    total_fixed_cost: toPrice(rounded.fixed),
    total_energy: volumes.total_energy,
    total_energy_cost: toPrice(rounded.energy),
    total_time: volumes.total_time,
    total_time_cost: toPrice(rounded.time),
    total_parking_time: volumes.total_parking_time,
    total_parking_cost: toPrice(rounded.parking),
    periods: charges.priced,
    warnings,
  };
  if (frame.outcome !== undefined) result.total_reservation_cost = toPrice(rounded.reservation);
  if (charges.limited.applied !== undefined) result.price_limit = charges.limited.applied;
  return result;
}

/** The session's start and end, after checking the input's overall shape. */
function sessionBounds(session: PricingSession): { start: number; end: number } {
  const start = parseInstant(session.start_date_time, 'start_date_time');
  const end = parseInstant(session.end_date_time, 'end_date_time');
  if (end < start)
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', 'end_date_time is before start_date_time');
  assertTimeZone(session.time_zone);
  if (session.samples !== undefined && session.periods !== undefined) {
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', 'give either samples or periods, not both');
  }
  return { start, end };
}

function checkValidity(tariff: Tariff, start: number, warnings: string[]): void {
  const from = tariff.start_date_time === undefined ? undefined : parseDateTime(tariff.start_date_time);
  const until = tariff.end_date_time === undefined ? undefined : parseDateTime(tariff.end_date_time);
  if ((from && start < from.getTime()) || (until && start > until.getTime())) {
    warnings.push('the session starts outside the validity (start_date_time/end_date_time) of the tariff');
  }
}

/** Just the CDR fields of a pricing (drops the breakdown and warnings). */
export function cdrFields(pricing: SessionPricing): CdrCostFields {
  const out: CdrCostFields = {
    charging_periods: pricing.charging_periods,
    total_cost: pricing.total_cost,
    total_fixed_cost: pricing.total_fixed_cost,
    total_energy: pricing.total_energy,
    total_energy_cost: pricing.total_energy_cost,
    total_time: pricing.total_time,
    total_time_cost: pricing.total_time_cost,
    total_parking_time: pricing.total_parking_time,
    total_parking_cost: pricing.total_parking_cost,
  };
  if (pricing.total_reservation_cost !== undefined)
    out.total_reservation_cost = pricing.total_reservation_cost;
  return out;
}
