import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, Enum, Many, NonEmpty, Obj, Opt } from '../primitives.ts';
import * as V221 from '../v221/cdrs.ts';
import { ConnectorType, extendValues, Price, TokenType } from './common.ts';
import { Tariff } from './tariffs.ts';

/**
 * OCPI 2.3.0 CDRs module: the chapter's fields are those of 2.2.1, but the embedded shared types
 * changed (Price, TokenType, ConnectorType, Tariff). Also carries the Bookings package's hooks:
 * `booking_id` (optional) and two reservation dimensions. CdrToken, ChargingPeriod and
 * AuthMethod are also used by Sessions.
 */

export const AuthMethod = V221.AuthMethod;
export type AuthMethod = V221.AuthMethod;

/** What a CdrDimension measures; the Bookings package adds RESERVATION_EXPIRES and RESERVATION_OVERTIME. */
export const CdrDimensionType = Enum(
  extendValues(V221.CdrDimensionType, { RESERVATION_TIME: ['RESERVATION_EXPIRES', 'RESERVATION_OVERTIME'] }),
);
export type CdrDimensionType = Static<typeof CdrDimensionType>;

/** One measured value of a charging period. */
export const CdrDimension = Obj({ ...V221.CdrDimension.properties, type: CdrDimensionType });
export type CdrDimension = Static<typeof CdrDimension>;

/** A slice of a session with its measured values and the tariff that applied. */
export const ChargingPeriod = Obj({ ...V221.ChargingPeriod.properties, dimensions: NonEmpty(CdrDimension) });
export type ChargingPeriod = Static<typeof ChargingPeriod>;

/** The token that started a session, as copied into Sessions and CDRs. */
export const CdrToken = Obj({ ...V221.CdrToken.properties, type: TokenType });
export type CdrToken = Static<typeof CdrToken>;

/** The location, EVSE and connector of a CDR, flattened into one class. */
export const CdrLocation = Obj({ ...V221.CdrLocation.properties, connector_standard: ConnectorType });
export type CdrLocation = Static<typeof CdrLocation>;

export const SignedValue = V221.SignedValue;
export type SignedValue = V221.SignedValue;
export const SignedData = V221.SignedData;
export type SignedData = V221.SignedData;

/** Charge Detail Record: the final, immutable account of a charging session. */
export const CDR = Obj({
  ...V221.CDR.properties,
  cdr_token: CdrToken,
  cdr_location: CdrLocation,
  tariffs: Many(Tariff),
  charging_periods: NonEmpty(ChargingPeriod),
  total_cost: Price,
  total_fixed_cost: Opt(Price),
  total_energy_cost: Opt(Price),
  total_time_cost: Opt(Price),
  total_parking_cost: Opt(Price),
  total_reservation_cost: Opt(Price),
  booking_id: Opt(CiString(36)),
});
export type CDR = Static<typeof CDR>;

export const objects: ModuleSchemas['objects'] = {
  CDR,
  AuthMethod,
  CdrDimension,
  CdrDimensionType,
  CdrLocation,
  CdrToken,
  ChargingPeriod,
  SignedData,
  SignedValue,
};

/** CDRs are immutable: POST only, no PATCH. */
export const patches: ModuleSchemas['patches'] = {};
