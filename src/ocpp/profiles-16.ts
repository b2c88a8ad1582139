import { type Static, Type } from '@sinclair/typebox';
import type { Clock } from '../clock.ts';
import { formatDateTime } from '../model/datetime.ts';
import type {
  ActiveChargingProfile,
  ChargingProfile,
  ChargingProfileResultType,
} from '../model/v230/chargingprofiles.ts';
import type { ChargerProfileRequest, GatewayReporter } from '../modules/commands/gateway.ts';
import type { OcppRepository, OcppTransactionRow } from '../store/ocpp-repository.ts';
import type { CallOutcome } from './csms.ts';
import { read } from './messages-16.ts';
import type { ChargerCalls } from './routes.ts';

/** How far ahead the active profile reported after a SET or CLEAR looks (OCPI: 5 to 60 minutes). */
export const ACTIVE_SECONDS = 900;

const Period16 = Type.Object({ startPeriod: Type.Integer(), limit: Type.Number() });
/** An OCPP 1.6 ChargingSchedule (SetChargingProfile, GetCompositeSchedule.conf). */
export const Schedule16 = Type.Object({
  duration: Type.Optional(Type.Integer()),
  startSchedule: Type.Optional(Type.String()),
  chargingRateUnit: Type.Union([Type.Literal('W'), Type.Literal('A')]),
  chargingSchedulePeriod: Type.Array(Period16),
  minChargingRate: Type.Optional(Type.Number()),
});
export type Schedule16 = Static<typeof Schedule16>;
const CompositeSchedule16 = Type.Object({
  status: Type.String(),
  scheduleStart: Type.Optional(Type.String()),
  chargingSchedule: Type.Optional(Schedule16),
});

/** OCPP 1.6 limits are multiples of 0.1 (OCPI's have one decimal too; rounded, never raised). */
const tenths = (n: number) => Math.floor(n * 10 + 1e-9) / 10;

/**
 * An OCPI ChargingProfile as the csChargingProfiles of a SetChargingProfile: a TxProfile
 * on the session's transaction (its id is the profile's id, so a new SET replaces the old
 * one, and CLEAR names it), stack level 0; with start_date_time it is Absolute from then,
 * without it Relative (OCPI: "relative to start of charging"; OCPP: to the transaction's
 * start). The unit, minimum rate, duration and periods carry over as they are.
 */
export function csChargingProfile(profile: ChargingProfile, transactionId: number): Record<string, unknown> {
  const periods = [...(profile.charging_profile_period ?? [])].sort(
    (a, b) => a.start_period - b.start_period,
  );
  const schedule: Schedule16 = {
    chargingRateUnit: profile.charging_rate_unit,
    chargingSchedulePeriod: periods.map((p) => ({ startPeriod: p.start_period, limit: tenths(p.limit) })),
    ...(profile.duration !== undefined ? { duration: profile.duration } : {}),
    ...(profile.start_date_time !== undefined ? { startSchedule: profile.start_date_time } : {}),
    ...(profile.min_charging_rate !== undefined
      ? { minChargingRate: tenths(profile.min_charging_rate) }
      : {}),
  };
  return {
    chargingProfileId: transactionId,
    transactionId,
    stackLevel: 0,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: profile.start_date_time !== undefined ? 'Absolute' : 'Relative',
    chargingSchedule: schedule,
  };
}

/** A GetCompositeSchedule answer as the ActiveChargingProfile, when it is Accepted with a schedule. */
export function activeOf(payload: unknown, now: Date): ActiveChargingProfile | undefined {
  const answer = read(CompositeSchedule16, payload);
  const schedule = answer?.status === 'Accepted' ? answer.chargingSchedule : undefined;
  if (!schedule) return undefined;
  const start = schedule.startSchedule ?? answer?.scheduleStart;
  const at = start === undefined ? Number.NaN : Date.parse(start);
  return {
    start_date_time: formatDateTime(Number.isNaN(at) ? now : new Date(at)),
    charging_profile: {
      charging_rate_unit: schedule.chargingRateUnit,
      ...(schedule.duration !== undefined ? { duration: schedule.duration } : {}),
      ...(schedule.minChargingRate !== undefined ? { min_charging_rate: schedule.minChargingRate } : {}),
      charging_profile_period: schedule.chargingSchedulePeriod.map((p) => ({
        start_period: p.startPeriod,
        limit: p.limit,
      })),
    },
  };
}

/**
 * The OCPI result of a status answer: Accepted → ACCEPTED, Unknown (ClearChargingProfile
 * found none) → UNKNOWN; Rejected, NotSupported and the rest → REJECTED (OCPI has no
 * other). undefined: no answer (lost), left to the node's timeout (REJECTED then).
 */
function resultOf(outcome: CallOutcome): ChargingProfileResultType | undefined {
  if (outcome.kind === 'lost') return undefined;
  if (outcome.kind !== 'answered') return 'REJECTED';
  const payload = outcome.payload;
  const status = typeof payload === 'object' && payload !== null && 'status' in payload ? payload.status : '';
  return status === 'Accepted' ? 'ACCEPTED' : status === 'Unknown' ? 'UNKNOWN' : 'REJECTED';
}

export interface ProfileParts16 {
  bridge: ChargerCalls;
  repo: OcppRepository;
  clock: Clock;
}

/**
 * ChargingProfiles over OCPP 1.6, for the charger that runs the session's transaction:
 * SET_CHARGING_PROFILE → SetChargingProfile, GET_ACTIVE_CHARGING_PROFILE →
 * GetCompositeSchedule (its schedule is the ActiveChargingProfile), CLEAR_PROFILE →
 * ClearChargingProfile of the profile SET gave. An accepted SET or CLEAR is followed by a
 * GetCompositeSchedule of ACTIVE_SECONDS, reported as the new active profile (none when the
 * charger does not give it). A session that is not a running transaction of ours: REJECTED.
 */
export async function profile16(
  request: ChargerProfileRequest,
  report: GatewayReporter,
  parts: ProfileParts16,
): Promise<void> {
  const done = (result: ChargingProfileResultType | undefined, active?: ActiveChargingProfile) => {
    if (result) report.profileOutcome(request.requestId, result, active);
  };
  const tx = await parts.repo.bySession(request.sessionId);
  if (!tx || tx.stopped_at !== null || !tx.accepted) return done('REJECTED');
  // A 2.0.1 transaction (it has the charger's own id): its profiles are not sent yet.
  if (tx.ocpp_transaction_id !== null) return done('REJECTED');
  const call = (action: string, params: Record<string, unknown>) =>
    parts.bridge.call(tx.charger_id, action, params);
  switch (request.type) {
    case 'SET_CHARGING_PROFILE': {
      const result = resultOf(
        await call('SetChargingProfile', {
          connectorId: tx.connector_id,
          csChargingProfiles: csChargingProfile(request.profile, tx.transaction_id),
        }),
      );
      return done(result, result === 'ACCEPTED' ? await active(tx, ACTIVE_SECONDS) : undefined);
    }
    case 'GET_ACTIVE_CHARGING_PROFILE': {
      const outcome = await call('GetCompositeSchedule', {
        connectorId: tx.connector_id,
        duration: request.durationSeconds,
      });
      const result = resultOf(outcome);
      const profile = outcome.kind === 'answered' ? activeOf(outcome.payload, now()) : undefined;
      // Accepted without a schedule is no answer to the question.
      return done(result === 'ACCEPTED' && !profile ? 'REJECTED' : result, profile);
    }
    case 'CLEAR_PROFILE': {
      const result = resultOf(
        await call('ClearChargingProfile', {
          id: tx.transaction_id,
          connectorId: tx.connector_id,
          chargingProfilePurpose: 'TxProfile',
        }),
      );
      return done(result, result === 'ACCEPTED' ? await active(tx, ACTIVE_SECONDS) : undefined);
    }
  }

  function now(): Date {
    return new Date(parts.clock.now());
  }

  async function active(
    row: OcppTransactionRow,
    duration: number,
  ): Promise<ActiveChargingProfile | undefined> {
    const outcome = await call('GetCompositeSchedule', { connectorId: row.connector_id, duration });
    return outcome.kind === 'answered' ? activeOf(outcome.payload, now()) : undefined;
  }
}
