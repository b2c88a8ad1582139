import { type JsonObject, objectsIn } from '../model/json.ts';
import type { ActiveChargingProfile } from '../model/v230/chargingprofiles.ts';

/** A point of a session's chart: energy so far (kWh) and power (kW) when known. */
export interface ChartPoint {
  at: string;
  kwh: number;
  kw?: number;
}

/** A charging profile's limit from `at` on, in the profile's unit. */
export interface LimitStep {
  at: string;
  limit: number;
}

function volumeOf(period: JsonObject, type: string): number | undefined {
  const found = objectsIn(period.dimensions).find((d) => d.type === type);
  return typeof found?.volume === 'number' ? found.volume : undefined;
}

/**
 * A session's energy and power over time, from its charging periods (each one's ENERGY
 * is what it charged, added up; its POWER the power during it), ending at the session's
 * kWh at its end or last update. Without periods: from zero at the start to the kWh now.
 */
export function sessionPoints(session: JsonObject): ChartPoint[] {
  const points: ChartPoint[] = [];
  let kwh = 0;
  for (const period of objectsIn(session.charging_periods)) {
    if (typeof period.start_date_time !== 'string') continue;
    const kw = volumeOf(period, 'POWER');
    points.push({ at: period.start_date_time, kwh, ...(kw === undefined ? {} : { kw }) });
    kwh += volumeOf(period, 'ENERGY') ?? 0;
  }
  const start = typeof session.start_date_time === 'string' ? session.start_date_time : undefined;
  if (points.length === 0 && start) points.push({ at: start, kwh: 0 });
  const end = session.end_date_time ?? session.last_updated;
  const total = typeof session.kwh === 'number' ? session.kwh : kwh;
  if (typeof end === 'string' && end !== points.at(-1)?.at) points.push({ at: end, kwh: total });
  return points;
}

/** The steps of a profile's limit, at the times they start. */
export function limitSteps(active: ActiveChargingProfile): { unit: string; steps: LimitStep[] } {
  const start = Date.parse(active.start_date_time);
  const profile = active.charging_profile;
  const from = Number.isNaN(start) ? Date.now() : start;
  return {
    unit: profile.charging_rate_unit,
    steps: (profile.charging_profile_period ?? []).map((p) => ({
      at: new Date(from + p.start_period * 1000).toISOString(),
      limit: p.limit,
    })),
  };
}
