import { formatDateTime } from '../../model/datetime.ts';
import type {
  ActiveChargingProfile,
  ChargingProfile,
  ChargingProfilePeriod,
} from '../../model/v230/chargingprofiles.ts';

/*
 * The smart charging of a simulated charger: which limit a charging profile sets at a given
 * time, and the ActiveChargingProfile the charger reports, as an OCPP charger's composite
 * schedule would be.
 */

/** A limit in A is per phase: the simulated chargers are 3-phase at 230 V (690 W per A). */
export const WATTS_PER_AMPERE = 230 * 3;

/** How long an ActiveChargingProfile the charger reports on its own runs (spec: 5 to 60 minutes). */
export const REPORTED_SECONDS = 900;

/** A session's profile as the simulated charger holds it. */
export interface HeldProfile {
  profile: ChargingProfile;
  /**
   * When the profile's time starts (ms): its start_date_time, or else the start of charging
   * (the spec: "If absent the profile will be relative to start of charging").
   */
  startsAt: number;
}

export function holdProfile(profile: ChargingProfile, chargingStartedAt: number): HeldProfile {
  const absolute = profile.start_date_time === undefined ? Number.NaN : Date.parse(profile.start_date_time);
  return { profile, startsAt: Number.isNaN(absolute) ? chargingStartedAt : absolute };
}

function toWatts(limit: number, unit: ChargingProfile['charging_rate_unit']): number {
  return unit === 'A' ? limit * WATTS_PER_AMPERE : limit;
}

/** The periods in start order. */
function periodsOf(profile: ChargingProfile): ChargingProfilePeriod[] {
  return [...(profile.charging_profile_period ?? [])].sort((a, b) => a.start_period - b.start_period);
}

/**
 * The power the profile allows at `now` (W), or undefined where it sets none: before it
 * starts, after its duration, before its first period.
 */
export function limitWattsAt(held: HeldProfile, now: number): number | undefined {
  const elapsed = (now - held.startsAt) / 1000;
  const { duration } = held.profile;
  if (elapsed < 0 || (duration !== undefined && elapsed >= duration)) return undefined;
  const current = periodsOf(held.profile)
    .filter((p) => p.start_period <= elapsed)
    .at(-1);
  return current ? toWatts(current.limit, held.profile.charging_rate_unit) : undefined;
}

/**
 * What the charger plans from `now` for `seconds`: the held profile's periods from the one in
 * force now (moved to start at 0), up to the end of the profile, after which (and without a
 * profile) the EVSE's maximum applies, in the profile's unit.
 */
export function activeProfile(
  held: HeldProfile | undefined,
  now: number,
  seconds: number,
  maxWatts: number,
): ActiveChargingProfile {
  const unit = held?.profile.charging_rate_unit ?? 'W';
  const max = unit === 'A' ? Math.floor((10 * maxWatts) / WATTS_PER_AMPERE) / 10 : maxWatts;
  const periods: ChargingProfilePeriod[] = [];
  if (held) {
    const elapsed = Math.floor((now - held.startsAt) / 1000);
    const end =
      held.profile.duration === undefined ? Number.POSITIVE_INFINITY : held.profile.duration - elapsed;
    if (elapsed < 0) periods.push({ start_period: 0, limit: max });
    const all = periodsOf(held.profile);
    all.forEach((p, i) => {
      const next = all[i + 1];
      const start = Math.max(0, p.start_period - elapsed);
      const over = next !== undefined && next.start_period <= elapsed;
      if (!over && start < Math.min(seconds, end)) periods.push({ start_period: start, limit: p.limit });
    });
    if (end < seconds) periods.push({ start_period: Math.max(0, end), limit: max });
  }
  if (periods.length === 0 || (periods[0]?.start_period ?? 0) > 0)
    periods.unshift({ start_period: 0, limit: max });
  return {
    start_date_time: formatDateTime(new Date(now)),
    charging_profile: { charging_rate_unit: unit, duration: seconds, charging_profile_period: periods },
  };
}
