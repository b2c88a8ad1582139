import { formatDateTime } from '../model/datetime.ts';
import type { CdrDimension, ChargingPeriod } from '../model/v230/cdrs.ts';
import type { Tariff } from '../model/v230/tariffs.ts';
import { Ratio } from './decimal.ts';
import type { Period } from './periods.ts';
import { MS_PER_HOUR, MWH_PER_KWH, type SessionFrame } from './timeline.ts';

/*
 * The measured side of a CDR: charging periods with their volumes and the session's totals of
 * energy and time. Step-rounded quantities are not here; they are in the pricing's `periods`.
 */

export interface CdrVolumes {
  charging_periods: ChargingPeriod[];
  total_energy: number;
  total_time: number;
  total_parking_time: number;
}

type Volume = (n: number, d: number) => number;

/** What the state of a period measures: at least one dimension, the spec's minimum. */
function stateDimensions(p: Period, volume: Volume): [CdrDimension, ...CdrDimension[]] {
  if (p.state === 'RESERVATION')
    return [{ type: 'RESERVATION_TIME', volume: volume(p.duration, MS_PER_HOUR) }];
  const energy: CdrDimension = { type: 'ENERGY', volume: volume(p.energy, MWH_PER_KWH) };
  if (p.state === 'CHARGING') return [energy, { type: 'TIME', volume: volume(p.duration, MS_PER_HOUR) }];
  const parking: CdrDimension = { type: 'PARKING_TIME', volume: volume(p.duration, MS_PER_HOUR) };
  return p.energy !== 0 ? [energy, parking] : [parking];
}

function cdrDimensions(p: Period, volume: Volume): [CdrDimension, ...CdrDimension[]] {
  const dims = stateDimensions(p, volume);
  if (p.currents.length > 0) {
    dims.push({ type: 'MIN_CURRENT', volume: p.currents.reduce((a, b) => Math.min(a, b)) });
    dims.push({ type: 'MAX_CURRENT', volume: p.currents.reduce((a, b) => Math.max(a, b)) });
  }
  if (p.powers.length > 0) {
    dims.push({ type: 'MIN_POWER', volume: p.powers.reduce((a, b) => Math.min(a, b)) });
    dims.push({ type: 'MAX_POWER', volume: p.powers.reduce((a, b) => Math.max(a, b)) });
  }
  return dims;
}

export function cdrVolumes(
  tariff: Tariff,
  frame: SessionFrame,
  periods: Period[],
  decimals: number,
): CdrVolumes {
  const volume: Volume = (n, d) => Ratio.of(n, d).round(decimals).toNumber();
  const sumOf = (pred: (p: Period) => boolean, f: (p: Period) => number): number =>
    periods.filter(pred).reduce((s, p) => s + f(p), 0);
  return {
    charging_periods: periods.map((p) => ({
      start_date_time: formatDateTime(new Date(p.t0)),
      dimensions: cdrDimensions(p, volume),
      tariff_id: tariff.id,
    })),
    total_energy: volume(
      sumOf(
        (p) => p.phase === 'SESSION',
        (p) => p.energy,
      ),
      MWH_PER_KWH,
    ),
    total_time: volume(frame.expired ? 0 : frame.end - frame.sessionStart, MS_PER_HOUR),
    total_parking_time: volume(
      sumOf(
        (p) => p.state === 'PARKING',
        (p) => p.duration,
      ),
      MS_PER_HOUR,
    ),
  };
}
