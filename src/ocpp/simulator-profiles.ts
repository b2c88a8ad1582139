import { read } from './messages-16.ts';
import { Schedule } from './profiles.ts';

/** The smart-charging calls a simulator answers (CSMS to charger; the same names in 1.6 and 2.0.1). */
export type ProfileAction = 'SetChargingProfile' | 'GetCompositeSchedule' | 'ClearChargingProfile';

/** What the simulator answers by default: accept (ClearChargingProfile: Unknown when it holds none). */
export const PROFILE_ANSWERS: Record<ProfileAction, string> = {
  SetChargingProfile: 'Accepted',
  GetCompositeSchedule: 'Accepted',
  ClearChargingProfile: 'Accepted',
};

/** The simulated charger's maximum power per connector, W (3 phases at 230 V, 32 A). */
export const SIMULATED_MAX_WATTS = 22_000;
const WATTS_PER_AMPERE = 230 * 3;

interface Held {
  id: number;
  schedule: Schedule;
  /** When the schedule's time 0 is, ms. */
  startsAt: number;
}

/** What the profiles take of the simulator. */
export interface ProfileSide {
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
 * A simulated charger's charging profiles, one per connector (1.6) or EVSE (2.0.1), a new
 * one replacing the old: a set one is held (an Absolute one from its startSchedule; a
 * Relative one from the moment it is set, a simplification of "from the transaction's
 * start"), a cleared one dropped (Unknown when none matches), the composite schedule
 * planned from now: the held periods moved to start at 0, the maximum outside the
 * profile. The version's messages are read by handleProfiles16/201.
 */
export class SimulatedProfiles {
  private readonly held = new Map<number, Held>();

  hold(slot: number, id: number, schedule: Schedule, now: number): void {
    const at = schedule.startSchedule === undefined ? Number.NaN : Date.parse(schedule.startSchedule);
    this.held.set(slot, { id, schedule, startsAt: Number.isNaN(at) ? now : at });
  }

  /** Drops the profiles matching (an undefined id or slot: any); whether there were any. */
  clear(id: unknown, slot: unknown): boolean {
    const matching = [...this.held].filter(
      ([s, held]) => (id === undefined || held.id === id) && (slot === undefined || s === slot),
    );
    for (const [s] of matching) this.held.delete(s);
    return matching.length > 0;
  }

  /** The power the slot's profile allows now, W (undefined: no limit of a profile). */
  limitWatts(slot: number, now: number): number | undefined {
    const held = this.held.get(slot);
    if (!held) return undefined;
    const elapsed = (now - held.startsAt) / 1000;
    const { duration, chargingRateUnit } = held.schedule;
    if (elapsed < 0 || (duration !== undefined && elapsed >= duration)) return undefined;
    const current = sorted(held.schedule)
      .filter((p) => p.startPeriod <= elapsed)
      .at(-1);
    return current && (chargingRateUnit === 'A' ? current.limit * WATTS_PER_AMPERE : current.limit);
  }

  /** The composite schedule of the slot for the next `seconds` from `now`. */
  composite(slot: number, seconds: number, now: number): Schedule {
    const held = this.held.get(slot);
    const unit = held?.schedule.chargingRateUnit ?? 'W';
    const max =
      unit === 'A' ? Math.floor((10 * SIMULATED_MAX_WATTS) / WATTS_PER_AMPERE) / 10 : SIMULATED_MAX_WATTS;
    const periods: Schedule['chargingSchedulePeriod'] = [];
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

/** The OCPP 1.6 messages of the profiles: by connectorId, csChargingProfiles, the schedule as it is. */
export function handleProfiles16(rpc: Handles, side: ProfileSide, profiles: SimulatedProfiles): void {
  rpc.handle('SetChargingProfile', async ({ params }) => {
    const status = await side.answer('SetChargingProfile', params);
    const profile = field(params, 'csChargingProfiles');
    const schedule = read(Schedule, field(profile, 'chargingSchedule'));
    if (status === 'Accepted' && schedule)
      profiles.hold(
        Number(field(params, 'connectorId')),
        Number(field(profile, 'chargingProfileId')),
        schedule,
        side.now(),
      );
    return { status };
  });
  rpc.handle('ClearChargingProfile', async ({ params }) => {
    const status = await side.answer('ClearChargingProfile', params);
    if (status !== 'Accepted') return { status };
    const cleared = profiles.clear(field(params, 'id'), field(params, 'connectorId'));
    return { status: cleared ? 'Accepted' : 'Unknown' };
  });
  rpc.handle('GetCompositeSchedule', async ({ params }) => {
    const status = await side.answer('GetCompositeSchedule', params);
    if (status !== 'Accepted') return { status };
    const connectorId = Number(field(params, 'connectorId'));
    const now = side.now();
    return {
      status,
      connectorId,
      scheduleStart: new Date(now).toISOString(),
      chargingSchedule: profiles.composite(connectorId, Number(field(params, 'duration')), now),
    };
  });
}

/**
 * The OCPP 2.0.1 messages of the profiles: by evseId, chargingProfile with its first
 * ChargingSchedule, cleared by chargingProfileId and the criteria's evseId, the composite
 * schedule a CompositeScheduleType (evseId, scheduleStart).
 */
export function handleProfiles201(rpc: Handles, side: ProfileSide, profiles: SimulatedProfiles): void {
  rpc.handle('SetChargingProfile', async ({ params }) => {
    const status = await side.answer('SetChargingProfile', params);
    const profile = field(params, 'chargingProfile');
    const first = field(profile, 'chargingSchedule');
    // Its id is left over (a Schedule takes more fields than it names).
    const schedule = Array.isArray(first) ? read(Schedule, first[0]) : undefined;
    if (status === 'Accepted' && schedule)
      profiles.hold(Number(field(params, 'evseId')), Number(field(profile, 'id')), schedule, side.now());
    return { status };
  });
  rpc.handle('ClearChargingProfile', async ({ params }) => {
    const status = await side.answer('ClearChargingProfile', params);
    if (status !== 'Accepted') return { status };
    const criteria = field(params, 'chargingProfileCriteria');
    const cleared = profiles.clear(field(params, 'chargingProfileId'), field(criteria, 'evseId'));
    return { status: cleared ? 'Accepted' : 'Unknown' };
  });
  rpc.handle('GetCompositeSchedule', async ({ params }) => {
    const status = await side.answer('GetCompositeSchedule', params);
    if (status !== 'Accepted') return { status };
    const evseId = Number(field(params, 'evseId'));
    const now = side.now();
    const schedule = profiles.composite(evseId, Number(field(params, 'duration')), now);
    return { status, schedule: { evseId, scheduleStart: new Date(now).toISOString(), ...schedule } };
  });
}

function sorted(schedule: Schedule): Schedule['chargingSchedulePeriod'] {
  return [...schedule.chargingSchedulePeriod].sort((a, b) => a.startPeriod - b.startPeriod);
}
