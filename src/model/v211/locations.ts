import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { DateTime, Enum, Int, Many, NonEmpty, Obj, Opt, PatchOf, Str, Url } from '../primitives.ts';
import { BusinessDetails, DisplayText, EnergyMix, Image } from './common.ts';

/** `HH:MM` in 24h notation with leading zeros (the spec's regex). */
export const TIME_OF_DAY_PATTERN = '^([0-1][0-9]|2[0-3]):[0-5][0-9]$';

/** Functions an EVSE supports. */
export const Capability = Enum([
  'CHARGING_PROFILE_CAPABLE',
  'CREDIT_CARD_PAYABLE',
  'REMOTE_START_STOP_CAPABLE',
  'RESERVABLE',
  'RFID_READER',
  'UNLOCK_CAPABLE',
] as const);
export type Capability = Static<typeof Capability>;

/** Socket or attached cable. */
export const ConnectorFormat = Enum(['SOCKET', 'CABLE'] as const);
export type ConnectorFormat = Static<typeof ConnectorFormat>;

/** Plug or socket standard. */
export const ConnectorType = Enum([
  'CHADEMO',
  'DOMESTIC_A',
  'DOMESTIC_B',
  'DOMESTIC_C',
  'DOMESTIC_D',
  'DOMESTIC_E',
  'DOMESTIC_F',
  'DOMESTIC_G',
  'DOMESTIC_H',
  'DOMESTIC_I',
  'DOMESTIC_J',
  'DOMESTIC_K',
  'DOMESTIC_L',
  'IEC_60309_2_single_16',
  'IEC_60309_2_three_16',
  'IEC_60309_2_three_32',
  'IEC_60309_2_three_64',
  'IEC_62196_T1',
  'IEC_62196_T1_COMBO',
  'IEC_62196_T2',
  'IEC_62196_T2_COMBO',
  'IEC_62196_T3A',
  'IEC_62196_T3C',
  'TESLA_R',
  'TESLA_S',
] as const);
export type ConnectorType = Static<typeof ConnectorType>;

/** Amenities near a location. */
export const Facility = Enum([
  'HOTEL',
  'RESTAURANT',
  'CAFE',
  'MALL',
  'SUPERMARKET',
  'SPORT',
  'RECREATION_AREA',
  'NATURE',
  'MUSEUM',
  'BUS_STOP',
  'TAXI_STAND',
  'TRAIN_STATION',
  'AIRPORT',
  'CARPOOL_PARKING',
  'FUEL_STATION',
  'WIFI',
] as const);
export type Facility = Static<typeof Facility>;

/** Kind of place where the chargers are. */
export const LocationType = Enum([
  'ON_STREET',
  'PARKING_GARAGE',
  'UNDERGROUND_GARAGE',
  'PARKING_LOT',
  'OTHER',
  'UNKNOWN',
] as const);
export type LocationType = Static<typeof LocationType>;

/** Who may park at the spot. */
export const ParkingRestriction = Enum([
  'EV_ONLY',
  'PLUGGED',
  'DISABLED',
  'CUSTOMERS',
  'MOTORCYCLES',
] as const);
export type ParkingRestriction = Static<typeof ParkingRestriction>;

export const PowerType = Enum(['AC_1_PHASE', 'AC_3_PHASE', 'DC'] as const);
export type PowerType = Static<typeof PowerType>;

/** Status of an EVSE or connector. */
export const Status = Enum([
  'AVAILABLE',
  'BLOCKED',
  'CHARGING',
  'INOPERATIVE',
  'OUTOFORDER',
  'PLANNED',
  'REMOVED',
  'RESERVED',
  'UNKNOWN',
] as const);
export type Status = Static<typeof Status>;

/** WGS 84 point as decimal-degree strings with six decimals. */
export const GeoLocation = Obj({
  latitude: Str(10, { pattern: '^-?[0-9]{1,2}\\.[0-9]{6}$' }),
  longitude: Str(11, { pattern: '^-?[0-9]{1,3}\\.[0-9]{6}$' }),
});
export type GeoLocation = Static<typeof GeoLocation>;

/** A related point (entrance, parking) with an optional name. */
export const AdditionalGeoLocation = Obj({
  latitude: Str(10, { pattern: '^-?[0-9]{1,2}\\.[0-9]{6}$' }),
  longitude: Str(11, { pattern: '^-?[0-9]{1,3}\\.[0-9]{6}$' }),
  name: Opt(DisplayText),
});
export type AdditionalGeoLocation = Static<typeof AdditionalGeoLocation>;

/** One weekly opening period (weekday 1 = Monday … 7 = Sunday). */
export const RegularHours = Obj({
  weekday: Int({ minimum: 1, maximum: 7 }),
  period_begin: Str(5, { pattern: TIME_OF_DAY_PATTERN }),
  period_end: Str(5, { pattern: TIME_OF_DAY_PATTERN }),
});
export type RegularHours = Static<typeof RegularHours>;

/** A dated exception to the regular hours. */
export const ExceptionalPeriod = Obj({
  period_begin: DateTime(),
  period_end: DateTime(),
});
export type ExceptionalPeriod = Static<typeof ExceptionalPeriod>;

const exceptions = {
  exceptional_openings: Many(ExceptionalPeriod),
  exceptional_closings: Many(ExceptionalPeriod),
};

/**
 * Opening or access hours. The spec makes `regular_hours` and `twentyfourseven` a choice,
 * so at least one of the two must be there (the spec's own example sends both).
 */
export const Hours = Type.Union([
  Obj({ regular_hours: Type.Array(RegularHours), twentyfourseven: Opt(Type.Boolean()), ...exceptions }),
  Obj({ regular_hours: Many(RegularHours), twentyfourseven: Type.Boolean(), ...exceptions }),
]);
export type Hours = Static<typeof Hours>;

/** A future status period of an EVSE, for planning. */
export const StatusSchedule = Obj({
  period_begin: DateTime(),
  period_end: Opt(DateTime()),
  status: Status,
});
export type StatusSchedule = Static<typeof StatusSchedule>;

/** A socket or cable of an EVSE (2.1.1 shape: voltage/amperage/tariff_id). */
export const Connector = Obj({
  id: Str(36),
  standard: ConnectorType,
  format: ConnectorFormat,
  power_type: PowerType,
  voltage: Int(),
  amperage: Int(),
  tariff_id: Opt(Str(36)),
  terms_and_conditions: Opt(Url()),
  last_updated: DateTime(),
});
export type Connector = Static<typeof Connector>;

/** One charging point that serves one vehicle at a time. */
export const EVSE = Obj({
  uid: Str(39),
  evse_id: Opt(Str(48)),
  status: Status,
  status_schedule: Many(StatusSchedule),
  capabilities: Many(Capability),
  connectors: NonEmpty(Connector),
  floor_level: Opt(Str(4)),
  coordinates: Opt(GeoLocation),
  physical_reference: Opt(Str(16)),
  directions: Many(DisplayText),
  parking_restrictions: Many(ParkingRestriction),
  images: Many(Image),
  last_updated: DateTime(),
});
export type EVSE = Static<typeof EVSE>;

/** A charging site with its EVSEs (2.1.1: no country_code/party_id/publish; type required). */
export const Location = Obj({
  id: Str(39),
  type: LocationType,
  name: Opt(Str(255)),
  address: Str(45),
  city: Str(45),
  postal_code: Str(10),
  country: Str(3),
  coordinates: GeoLocation,
  related_locations: Many(AdditionalGeoLocation),
  evses: Many(EVSE),
  directions: Many(DisplayText),
  operator: Opt(BusinessDetails),
  suboperator: Opt(BusinessDetails),
  owner: Opt(BusinessDetails),
  facilities: Many(Facility),
  time_zone: Opt(Str(255)),
  opening_times: Opt(Hours),
  charging_when_closed: Opt(Type.Boolean()),
  images: Many(Image),
  energy_mix: Opt(EnergyMix),
  last_updated: DateTime(),
});
export type Location = Static<typeof Location>;

export const objects: ModuleSchemas['objects'] = {
  Location,
  EVSE,
  Connector,
  AdditionalGeoLocation,
  Capability,
  ConnectorFormat,
  ConnectorType,
  ExceptionalPeriod,
  Facility,
  GeoLocation,
  Hours,
  LocationType,
  ParkingRestriction,
  PowerType,
  RegularHours,
  Status,
  StatusSchedule,
};

/** 2.1.1 PATCH carries only the changed fields; `last_updated` is not required. */
export const patches: ModuleSchemas['patches'] = {
  Location: PatchOf(Location),
  EVSE: PatchOf(EVSE),
  Connector: PatchOf(Connector),
};
