import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { DateTime, Decimal, Enum, Many, Obj, Opt, PatchOf, Str } from '../primitives.ts';
import { AuthMethod, ChargingPeriod } from './cdrs.ts';
import { Location } from './locations.ts';

export const SessionStatus = Enum(['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING'] as const);
export type SessionStatus = Static<typeof SessionStatus>;

/** A charging session in progress or done (2.1.1: embeds the Location, plain-number cost). */
export const Session = Obj({
  id: Str(36),
  start_datetime: DateTime(),
  end_datetime: Opt(DateTime()),
  kwh: Decimal(),
  auth_id: Str(36),
  auth_method: AuthMethod,
  location: Location,
  meter_id: Opt(Str(255)),
  currency: Str(3),
  charging_periods: Many(ChargingPeriod),
  total_cost: Opt(Decimal()),
  status: SessionStatus,
  last_updated: DateTime(),
});
export type Session = Static<typeof Session>;

export const objects: ModuleSchemas['objects'] = { Session, SessionStatus };

/** 2.1.1 PATCH carries only the changed fields; `last_updated` is not required. */
export const patches: ModuleSchemas['patches'] = {
  Session: PatchOf(Session),
};
