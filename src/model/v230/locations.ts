import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, Decimal, Enum, Many, NonEmpty, Obj, OpenEnum, Opt, PatchOf, Str } from '../primitives.ts';
import * as V221 from '../v221/locations.ts';
import {
  BusinessDetails,
  ConnectorFormat,
  ConnectorType,
  EnergyMix,
  EnergySource,
  EnergySourceCategory,
  EnvironmentalImpact,
  EnvironmentalImpactCategory,
  enumValues,
  GeoLocation,
  Image,
  ImageCategory,
  PowerType,
  TokenType,
} from './common.ts';

/**
 * OCPI 2.3.0 Locations module: 2.2.1 plus parking places (AFIR), help_phone, accepted service
 * providers and connector capabilities; most enums are open. The classes and enums of this
 * chapter that other modules embed live in common.ts and are re-exported here.
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

/** What an EVSE can do; open in 2.3.0. */
export const Capability = OpenEnum(enumValues(V221.Capability));
export type Capability = Static<typeof Capability>;

/** Functions a connector offers to drivers (new in 2.3.0). */
export const ConnectorCapability = OpenEnum([
  'ISO_15118_2_PLUG_AND_CHARGE',
  'ISO_15118_20_PLUG_AND_CHARGE',
] as const);
export type ConnectorCapability = Static<typeof ConnectorCapability>;

/** Where the EVSE stands relative to its parking space (new in 2.3.0). */
export const EVSEPosition = Enum(['LEFT', 'RIGHT', 'CENTER'] as const);
export type EVSEPosition = Static<typeof EVSEPosition>;

/** Facilities near or at a location; open in 2.3.0. */
export const Facility = OpenEnum(enumValues(V221.Facility));
export type Facility = Static<typeof Facility>;

/** How vehicles park relative to the access road (new in 2.3.0). */
export const ParkingDirection = Enum(['PARALLEL', 'PERPENDICULAR', 'ANGLE'] as const);
export type ParkingDirection = Static<typeof ParkingDirection>;

/** Who may charge at an EVSE, apart from vehicle type; open in 2.3.0, with new values and a new order. */
export const ParkingRestriction = OpenEnum([
  'CUSTOMERS',
  'DISABLED',
  'EMPLOYEES',
  'EV_ONLY',
  'MOTORCYCLES',
  'PLUGGED',
  'TAXIS',
  'TENANTS',
] as const);
export type ParkingRestriction = Static<typeof ParkingRestriction>;

/** General kind of parking at a location; open in 2.3.0. */
export const ParkingType = OpenEnum(enumValues(V221.ParkingType));
export type ParkingType = Static<typeof ParkingType>;

export const Status = V221.Status;
export type Status = V221.Status;

/** Vehicle categories a parking space is meant for (new in 2.3.0). */
export const VehicleType = OpenEnum([
  'MOTORCYCLE',
  'PERSONAL_VEHICLE',
  'PERSONAL_VEHICLE_WITH_TRAILER',
  'VAN',
  'SEMI_TRACTOR',
  'RIGID',
  'TRUCK_WITH_TRAILER',
  'BUS',
  'DISABLED',
] as const);
export type VehicleType = Static<typeof VehicleType>;

export const AdditionalGeoLocation = V221.AdditionalGeoLocation;
export type AdditionalGeoLocation = V221.AdditionalGeoLocation;
export const ExceptionalPeriod = V221.ExceptionalPeriod;
export type ExceptionalPeriod = V221.ExceptionalPeriod;
export const RegularHours = V221.RegularHours;
export type RegularHours = V221.RegularHours;
export const Hours = V221.Hours;
export type Hours = V221.Hours;
export const StatusSchedule = V221.StatusSchedule;
export type StatusSchedule = V221.StatusSchedule;

/**
 * Identifies tokens allowed to see an unpublished location (2.3.0 TokenType). The spec's extra
 * rules on which fields go together are not enforced by this schema.
 */
export const PublishTokenType = Obj({ ...V221.PublishTokenType.properties, type: Opt(TokenType) });
export type PublishTokenType = Static<typeof PublishTokenType>;

/** A parking space (or parking area) used while charging; lengths in cm, weight in kg (new in 2.3.0). */
export const Parking = Obj({
  id: CiString(36),
  physical_reference: Opt(Str(12)),
  vehicle_types: NonEmpty(VehicleType),
  max_vehicle_weight: Opt(Decimal()),
  max_vehicle_height: Opt(Decimal()),
  max_vehicle_length: Opt(Decimal()),
  max_vehicle_width: Opt(Decimal()),
  parking_space_length: Opt(Decimal()),
  parking_space_width: Opt(Decimal()),
  dangerous_goods_allowed: Opt(Type.Boolean()),
  direction: Opt(ParkingDirection),
  drive_through: Opt(Type.Boolean()),
  restricted_to_type: Type.Boolean(),
  reservation_required: Type.Boolean(),
  time_limit: Opt(Decimal()),
  roofed: Opt(Type.Boolean()),
  images: Many(Image),
  lighting: Opt(Type.Boolean()),
  refrigeration_outlet: Opt(Type.Boolean()),
  standards: Many(CiString(36)),
  apds_reference: Opt(CiString()),
});
export type Parking = Static<typeof Parking>;

/** Links an EVSE to one of its Location's parking places (new in 2.3.0). */
export const EVSEParking = Obj({
  parking_id: CiString(36),
  evse_position: Opt(EVSEPosition),
});
export type EVSEParking = Static<typeof EVSEParking>;

/** A socket or cable on an EVSE. */
export const Connector = Obj({
  ...V221.Connector.properties,
  standard: ConnectorType,
  capabilities: Many(ConnectorCapability),
});
export type Connector = Static<typeof Connector>;

/** One charging point that serves one EV at a time. */
export const EVSE = Obj({
  ...V221.EVSE.properties,
  capabilities: Many(Capability),
  connectors: NonEmpty(Connector),
  parking_restrictions: Many(ParkingRestriction),
  images: Many(Image),
  parking: Many(EVSEParking),
  accepted_service_providers: Many(Str(50)),
});
export type EVSE = Static<typeof EVSE>;

/** A place with one or more EVSEs, owned by a CPO. */
export const Location = Obj({
  ...V221.Location.properties,
  publish_allowed_to: Many(PublishTokenType),
  parking_type: Opt(ParkingType),
  evses: Many(EVSE),
  operator: Opt(BusinessDetails),
  suboperator: Opt(BusinessDetails),
  owner: Opt(BusinessDetails),
  facilities: Many(Facility),
  images: Many(Image),
  energy_mix: Opt(EnergyMix),
  parking_places: Many(Parking),
  help_phone: Opt(CiString(25)),
});
export type Location = Static<typeof Location>;

export const objects: ModuleSchemas['objects'] = {
  Location,
  EVSE,
  Connector,
  Parking,
  AdditionalGeoLocation,
  BusinessDetails,
  Capability,
  ConnectorCapability,
  ConnectorFormat,
  ConnectorType,
  EnergyMix,
  EnergySource,
  EnergySourceCategory,
  EnvironmentalImpact,
  EnvironmentalImpactCategory,
  EVSEParking,
  EVSEPosition,
  ExceptionalPeriod,
  Facility,
  GeoLocation,
  Hours,
  Image,
  ImageCategory,
  ParkingDirection,
  ParkingRestriction,
  ParkingType,
  PowerType,
  PublishTokenType,
  RegularHours,
  Status,
  StatusSchedule,
  VehicleType,
};

/** The eMSP's Receiver interface accepts PATCH on Location, EVSE and Connector (`last_updated` required). */
export const patches: ModuleSchemas['patches'] = {
  Location: PatchOf(Location, ['last_updated']),
  EVSE: PatchOf(EVSE, ['last_updated']),
  Connector: PatchOf(Connector, ['last_updated']),
};
