import { read } from './messages-16.ts';
import { Schedule16 } from './profiles-16.ts';

/** The smart-charging calls the simulator answers (OCPP 1.6, CSMS to charger). */
export type ProfileAction16 = 'SetChargingProfile' | 'GetCompositeSchedule' | 'ClearChargingProfile';

/** What the simulator answers by default: accept (ClearChargingProfile: Unknown when it holds none). */
export const PROFILE_ANSWERS: Record<ProfileAction16, string> = {
  SetChargingProfile: 'Accepted',
  GetCompositeSchedule: 'Accepted',
  ClearChargingProfile: 'Accepted',
};

/** The simulated charger's maximum power per connector, W (3 phases at 230 V, 32 A). */
export const SIMULATED_MAX_WATTS = 22_000;
const WATTS_PER_AMPERE = 230 * 3;

interface Held {
  id: number;
  schedule: Schedule16;
  /** When the schedule's time 0 is, ms. */
  startsAt: number;
}

/** What the profiles take of the simulator. */
export interface ProfileSide16 {
  /** The scripted status of a call (records the call). */
  answer(action: string, params: unknown): Promise<string>;
  now(): number;
}

/** What the profiles register on: an ocpp-rpc client's handle(). */
interface Handles {
  handle(method: string, handler: (call: { params?: unknown }) => Promise<Record<string, unknown>>): void;
}

function field(params: unknown, name: string): unknown {
  return typeof params === 'object' && params !== null ? Reflect.get(params, name) : undefined;
}

/**
 * A simulated charger's charging profiles, one per connector (a new one replaces the old):
 * SetChargingProfile holds it (an Absolute one from its startSchedule; a Relative one from
 * the moment it is set, a simplification of "from the transaction's start"),
 * ClearChargingProfile drops it (Unknown when none matches), GetCompositeSchedule plans
 * from now: the held periods moved to start at 0, the maximum outside the profile.
 */
export class SimulatedProfiles16 {
  private readonly held = new Map<number, Held>();

  constructor(rpc: Handles, side: ProfileSide16) {
    rpc.handle('SetChargingProfile', async ({ params }) => {
      const status = await side.answer('SetChargingProfile', params);
      const profile = field(params, 'csChargingProfiles');
      const schedule = read(Schedule16, field(profile, 'chargingSchedule'));
      const connectorId = Number(field(params, 'connectorId'));
      if (status === 'Accepted' && schedule) {
        const at = schedule.startSchedule === undefined ? Number.NaN : Date.parse(schedule.startSchedule);
        this.held.set(connectorId, {
          id: Number(field(profile, 'chargingProfileId')),
          schedule,
          startsAt: Number.isNaN(at) ? side.now() : at,
        });
      }
      return { status };
    });
    rpc.handle('ClearChargingProfile', async ({ params }) => {
      const status = await side.answer('ClearChargingProfile', params);
      const id = field(params, 'id');
      const connectorId = field(params, 'connectorId');
      const matching = [...this.held].filter(
        ([connector, held]) =>
          (id === undefined || held.id === id) && (connectorId === undefined || connector === connectorId),
      );
      if (status !== 'Accepted') return { status };
      for (const [connector] of matching) this.held.delete(connector);
      return { status: matching.length > 0 ? 'Accepted' : 'Unknown' };
    });
    rpc.handle('GetCompositeSchedule', async ({ params }) => {
      const status = await side.answer('GetCompositeSchedule', params);
      if (status !== 'Accepted') return { status };
      const connectorId = Number(field(params, 'connectorId'));
      const duration = Number(field(params, 'duration'));
      const now = side.now();
      return {
        status,
        connectorId,
        scheduleStart: new Date(now).toISOString(),
        chargingSchedule: this.composite(connectorId, duration, now),
      };
    });
  }

  /** The power the connector's profile allows now, W (undefined: no limit of a profile). */
  limitWatts(connectorId: number, now: number): number | undefined {
    const held = this.held.get(connectorId);
    if (!held) return undefined;
    const elapsed = (now - held.startsAt) / 1000;
    const { duration, chargingRateUnit } = held.schedule;
    if (elapsed < 0 || (duration !== undefined && elapsed >= duration)) return undefined;
    const current = sorted(held.schedule)
      .filter((p) => p.startPeriod <= elapsed)
      .at(-1);
    return current && (chargingRateUnit === 'A' ? current.limit * WATTS_PER_AMPERE : current.limit);
  }

  private composite(connectorId: number, seconds: number, now: number): Schedule16 {
    const held = this.held.get(connectorId);
    const unit = held?.schedule.chargingRateUnit ?? 'W';
    const max =
      unit === 'A' ? Math.floor((10 * SIMULATED_MAX_WATTS) / WATTS_PER_AMPERE) / 10 : SIMULATED_MAX_WATTS;
    const periods: Schedule16['chargingSchedulePeriod'] = [];
    if (held) {
      const elapsed = Math.floor((now - held.startsAt) / 1000);
      const { duration } = held.schedule;
      const end = duration === undefined ? Number.POSITIVE_INFINITY : duration - elapsed;
      const all = sorted(held.schedule);
      all.forEach((p, i) => {
        const next = all[i + 1];
        const start = Math.max(0, p.startPeriod - elapsed);
        const over = next !== undefined && next.startPeriod <= elapsed;
        if (!over && start < Math.min(seconds, end)) periods.push({ startPeriod: start, limit: p.limit });
      });
      if (end < seconds) periods.push({ startPeriod: Math.max(0, end), limit: max });
    }
    if (periods.length === 0 || (periods[0]?.startPeriod ?? 0) > 0)
      periods.unshift({ startPeriod: 0, limit: max });
    return { duration: seconds, chargingRateUnit: unit, chargingSchedulePeriod: periods };
  }
}

function sorted(schedule: Schedule16): Schedule16['chargingSchedulePeriod'] {
  return [...schedule.chargingSchedulePeriod].sort((a, b) => a.startPeriod - b.startPeriod);
}
