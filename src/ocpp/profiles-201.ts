import { Type } from '@sinclair/typebox';
import type { ActiveChargingProfile } from '../model/v230/chargingprofiles.ts';
import type { OcppTransactionRow } from '../store/ocpp-repository.ts';
import { read } from './messages-16.ts';
import { activeProfile, kindOf, type ProfileCalls, Schedule, scheduleOf } from './profiles.ts';
import type { ChargerCalls } from './routes.ts';

/** GetCompositeSchedule.conf of OCPP 2.0.1: the CompositeScheduleType, when Accepted. */
const CompositeSchedule201 = Type.Object({
  status: Type.String(),
  schedule: Type.Optional(
    Type.Composite([
      Type.Omit(Schedule, ['startSchedule']),
      Type.Object({ evseId: Type.Integer(), scheduleStart: Type.String() }),
    ]),
  ),
});

/** A 2.0.1 GetCompositeSchedule answer as the ActiveChargingProfile, when it is Accepted with a schedule. */
export function activeOf201(payload: unknown, now: Date): ActiveChargingProfile | undefined {
  const answer = read(CompositeSchedule201, payload);
  const schedule = answer?.status === 'Accepted' ? answer.schedule : undefined;
  return schedule && activeProfile(schedule, schedule.scheduleStart, now);
}

/**
 * ChargingProfiles over OCPP 2.0.1 (runProfile() in profiles.ts), for a transaction of a
 * 2.0.1 charger (its connector_id is the EVSE's id):
 *
 * - SET: SetChargingProfile {evseId, chargingProfile}, a TxProfile of the charger's
 *   transactionId, stack level 0, Absolute or Relative, with one ChargingSchedule; the
 *   integer key of our transaction row is the id of both (a new SET replaces the old one);
 * - GET: GetCompositeSchedule {duration, evseId}, its schedule the ActiveChargingProfile;
 * - CLEAR: ClearChargingProfile of that id (with the EVSE's TxProfiles as the criteria).
 *
 * 2.0.1's answers are Accepted/Rejected (ClearChargingProfile: Accepted/Unknown), read as 1.6's.
 */
export function calls201(bridge: ChargerCalls, tx: OcppTransactionRow): ProfileCalls {
  const call = (action: string, params: Record<string, unknown>) =>
    bridge.call(tx.charger_id, action, params);
  const id = tx.transaction_id;
  const evseId = tx.connector_id;
  return {
    set: (profile) =>
      call('SetChargingProfile', {
        evseId,
        chargingProfile: {
          id,
          stackLevel: 0,
          chargingProfilePurpose: 'TxProfile',
          chargingProfileKind: kindOf(profile),
          chargingSchedule: [{ id, ...scheduleOf(profile) }],
          ...(tx.ocpp_transaction_id !== null ? { transactionId: tx.ocpp_transaction_id } : {}),
        },
      }),
    composite: (duration) => call('GetCompositeSchedule', { duration, evseId }),
    activeOf: activeOf201,
    clear: () =>
      call('ClearChargingProfile', {
        chargingProfileId: id,
        chargingProfileCriteria: { evseId, chargingProfilePurpose: 'TxProfile' },
      }),
  };
}
