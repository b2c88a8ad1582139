import { Type } from '@sinclair/typebox';
import type { ActiveChargingProfile, ChargingProfile } from '../model/v230/chargingprofiles.ts';
import type { OcppTransactionRow } from '../store/ocpp-repository.ts';
import { read } from './messages-16.ts';
import { activeProfile, kindOf, type ProfileCalls, Schedule, scheduleOf } from './profiles.ts';
import type { ChargerCalls } from './routes.ts';

const CompositeSchedule16 = Type.Object({
  status: Type.String(),
  scheduleStart: Type.Optional(Type.String()),
  chargingSchedule: Type.Optional(Schedule),
});

/**
 * An OCPI ChargingProfile as the csChargingProfiles of a SetChargingProfile: a TxProfile
 * on the session's transaction (its id is the profile's id, so a new SET replaces the old
 * one, and CLEAR names it), stack level 0, Absolute or Relative (kindOf), the schedule of
 * scheduleOf().
 */
export function csChargingProfile(profile: ChargingProfile, transactionId: number): Record<string, unknown> {
  return {
    chargingProfileId: transactionId,
    transactionId,
    stackLevel: 0,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: kindOf(profile),
    chargingSchedule: scheduleOf(profile),
  };
}

/** A GetCompositeSchedule answer as the ActiveChargingProfile, when it is Accepted with a schedule. */
export function activeOf(payload: unknown, now: Date): ActiveChargingProfile | undefined {
  const answer = read(CompositeSchedule16, payload);
  const schedule = answer?.status === 'Accepted' ? answer.chargingSchedule : undefined;
  if (!schedule) return undefined;
  return activeProfile(schedule, schedule.startSchedule ?? answer?.scheduleStart, now);
}

/**
 * ChargingProfiles over OCPP 1.6 (runProfile() in profiles.ts): SetChargingProfile on the
 * transaction's connector, GetCompositeSchedule of the connector, ClearChargingProfile of
 * the profile SET gave (its id, the connector, TxProfile).
 */
export function calls16(bridge: ChargerCalls, tx: OcppTransactionRow): ProfileCalls {
  const call = (action: string, params: Record<string, unknown>) =>
    bridge.call(tx.charger_id, action, params);
  return {
    set: (profile) =>
      call('SetChargingProfile', {
        connectorId: tx.connector_id,
        csChargingProfiles: csChargingProfile(profile, tx.transaction_id),
      }),
    composite: (duration) => call('GetCompositeSchedule', { connectorId: tx.connector_id, duration }),
    activeOf,
    clear: () =>
      call('ClearChargingProfile', {
        id: tx.transaction_id,
        connectorId: tx.connector_id,
        chargingProfilePurpose: 'TxProfile',
      }),
  };
}
