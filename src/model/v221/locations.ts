import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, DateTime, Enum, Int, Many, NonEmpty, Obj, Opt, PatchOf, Str, Url } from '../primitives.ts';
import {
  BusinessDetails,
  ConnectorFormat,
  ConnectorType,
  DisplayText,
  EnergyMix,
  EnergySource,
  EnergySourceCategory,
  EnvironmentalImpact,
  EnvironmentalImpactCategory,
  GeoLocation,
  Image,
  ImageCategory,
  LATITUDE_PATTERN,
  LONGITUDE_PATTERN,
  PowerType,
  TokenType,
} from './common.ts';

/**
 * OCPI 2.2.1 Locations module (mod_locations). The classes and enums of this chapter that
 * other modules embed live in common.ts and are re-exported here.
 */
export {
  BusinessDetails,
  ConnectorFormat,
  ConnectorType,
  EnergyMix,
  EnergySource,
  EnergySourceCategory,
  EnvironmentalImpact,
  EnvironmentalImpactCategory,
  GeoLocation,
  Image,
  ImageCategory,
  PowerType,
};

/** Local time of day, `HH:MM` in 24h format. */
const TIME_OF_DAY_PATTERN = '^([0-1][0-9]|2[0-3]):[0-5][0-9]$';

/** What an EVSE can do. */
export const Capability = Enum([
  'CHARGING_PROFILE_CAPABLE',
  'CHARGING_PREFERENCES_CAPABLE',
  'CHIP_CARD_SUPPORT',
  'CONTACTLESS_CARD_SUPPORT',
  'CREDIT_CARD_PAYABLE',
  'DEBIT_CARD_PAYABLE',
  'PED_TERMINAL',
  'REMOTE_START_STOP_CAPABLE',
  'RESERVABLE',
  'RFID_READER',
  'START_SESSION_CONNECTOR_REQUIRED',
  'TOKEN_GROUP_CAPABLE',
  'UNLOCK_CAPABLE',
] as const);
export type Capability = Static<typeof Capability>;

/** Facilities near or at a location. */
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
  'BIKE_SHARING',
  'BUS_STOP',
  'TAXI_STAND',
  'TRAM_STOP',
  'METRO_STATION',
  'TRAIN_STATION',
  'AIRPORT',
  'PARKING_LOT',
  'CARPOOL_PARKING',
  'FUEL_STATION',
  'WIFI',
] as const);
export type Facility = Static<typeof Facility>;

/** Who may park at the spot of an EVSE. */
export const ParkingRestriction = Enum([
  'EV_ONLY',
  'PLUGGED',
  'DISABLED',
  'CUSTOMERS',
  'MOTORCYCLES',
] as const);
export type ParkingRestriction = Static<typeof ParkingRestriction>;

/** General kind of parking at a location. */
export const ParkingType = Enum([
  'ALONG_MOTORWAY',
  'PARKING_GARAGE',
  'PARKING_LOT',
  'ON_DRIVEWAY',
  'ON_STREET',
  'UNDERGROUND_GARAGE',
] as const);
export type ParkingType = Static<typeof ParkingType>;

/** Status of an EVSE. */
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

/** A related point of interest near the location. */
export const AdditionalGeoLocation = Obj({
  latitude: Str(10, { pattern: LATITUDE_PATTERN }),
  longitude: Str(11, { pattern: LONGITUDE_PATTERN }),
  name: Opt(DisplayText),
});
export type AdditionalGeoLocation = Static<typeof AdditionalGeoLocation>;

/** A period (UTC) of exceptional opening or closing. */
export const ExceptionalPeriod = Obj({
  period_begin: DateTime(),
  period_end: DateTime(),
});
export type ExceptionalPeriod = Static<typeof ExceptionalPeriod>;

/** One weekly recurring opening period, in local time. */
export const RegularHours = Obj({
  weekday: Int({ minimum: 1, maximum: 7 }),
  period_begin: Str(5, { pattern: TIME_OF_DAY_PATTERN }),
  period_end: Str(5, { pattern: TIME_OF_DAY_PATTERN }),
});
export type RegularHours = Static<typeof RegularHours>;

/** Opening or access hours of a location. */
export const Hours = Obj({
  twentyfourseven: Type.Boolean(),
  regular_hours: Many(RegularHours),
  exceptional_openings: Many(ExceptionalPeriod),
  exceptional_closings: Many(ExceptionalPeriod),
});
export type Hours = Static<typeof Hours>;

/**
 * Identifies tokens allowed to see an unpublished location. The spec's extra rules (at
 * least one of uid/visual_number/group_id; type with uid; issuer with visual_number) are
 * not enforced by this schema.
 */
export const PublishTokenType = Obj({
  uid: Opt(CiString(36)),
  type: Opt(TokenType),
  visual_number: Opt(Str(64)),
  issuer: Opt(Str(64)),
  group_id: Opt(CiString(36)),
});
export type PublishTokenType = Static<typeof PublishTokenType>;

/** A planned status of an EVSE for a future period. */
export const StatusSchedule = Obj({
  period_begin: DateTime(),
  period_end: Opt(DateTime()),
  status: Status,
});
export type StatusSchedule = Static<typeof StatusSchedule>;

/** A socket or cable on an EVSE. */
export const Connector = Obj({
  id: CiString(36),
  standard: ConnectorType,
  format: ConnectorFormat,
  power_type: PowerType,
  max_voltage: Int(),
  max_amperage: Int(),
  max_electric_power: Opt(Int()),
  tariff_ids: Many(CiString(36)),
  terms_and_conditions: Opt(Url()),
  last_updated: DateTime(),
});
export type Connector = Static<typeof Connector>;

/** One charging point that serves one EV at a time. */
export const EVSE = Obj({
  uid: CiString(36),
  evse_id: Opt(CiString(48)),
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

/** A place with one or more EVSEs, owned by a CPO. */
export const Location = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  publish: Type.Boolean(),
  publish_allowed_to: Many(PublishTokenType),
  name: Opt(Str(255)),
  address: Str(255),
  city: Str(45),
  postal_code: Opt(Str(10)),
  state: Opt(Str(45)),
  country: Str(3),
  coordinates: GeoLocation,
  related_locations: Many(AdditionalGeoLocation),
  parking_type: Opt(ParkingType),
  evses: Many(EVSE),
  directions: Many(DisplayText),
  operator: Opt(BusinessDetails),
  suboperator: Opt(BusinessDetails),
  owner: Opt(BusinessDetails),
  facilities: Many(Facility),
  time_zone: Str(255),
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
  BusinessDetails,
  Capability,
  ConnectorFormat,
  ConnectorType,
  EnergyMix,
  EnergySource,
  EnergySourceCategory,
  EnvironmentalImpact,
  EnvironmentalImpactCategory,
  ExceptionalPeriod,
  Facility,
  GeoLocation,
  Hours,
  Image,
  ImageCategory,
  ParkingRestriction,
  ParkingType,
  PowerType,
  PublishTokenType,
  RegularHours,
  Status,
  StatusSchedule,
};

/** The eMSP's Receiver interface accepts PATCH on Location, EVSE and Connector. */
export const patches: ModuleSchemas['patches'] = {
  Location: PatchOf(Location, ['last_updated']),
  EVSE: PatchOf(EVSE, ['last_updated']),
  Connector: PatchOf(Connector, ['last_updated']),
};
