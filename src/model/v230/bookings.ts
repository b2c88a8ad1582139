import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import {
  CiString,
  DateTime,
  Decimal,
  Enum,
  Int,
  Many,
  NonEmpty,
  Obj,
  Opt,
  PatchOf,
  Url,
} from '../primitives.ts';
import { ConnectorFormat, ConnectorType, PowerType, Role, TokenType } from './common.ts';
import { EVSEPosition, VehicleType } from './locations.ts';

/**
 * OCPI 2.3.0 Bookings module (Bookings 1.1 package, data owner CPO). Its hooks into other
 * modules (CDR.booking_id, TariffRestrictions.booking, extra CdrDimensionType values) live in
 * those modules' files.
 */

/** How a driver gets onto a booked site. */
export const AccessMethod = Enum([
  'OPEN',
  'TOKEN',
  'LICENSE_PLATE',
  'ACCESS_CODE',
  'INTERCOM',
  'PARKING_TICKET',
] as const);
export type AccessMethod = Static<typeof AccessMethod>;

/** Why a booking was canceled. */
export const CanceledReason = Enum([
  'POWER_OUTAGE',
  'BROKEN_CHARGER',
  'FULL',
  'BLOCKED',
  'TRAFFIC',
  'BROKEN_VEHICLE',
  'NO_CANCELED',
  'UNKNOWN',
] as const);
export type CanceledReason = Static<typeof CanceledReason>;

/** State of one booking request. */
export const ReservationRequestStatus = Enum(['PENDING', 'ACCEPTED', 'DECLINED', 'FAILED'] as const);
export type ReservationRequestStatus = Static<typeof ReservationRequestStatus>;

/** State of a booking. */
export const ReservationStatus = Enum([
  'PENDING',
  'RESERVED',
  'CANCELED',
  'FAILED',
  'NO_SHOW',
  'FULFILLED',
  'REJECTED',
  'UNKNOWN',
] as const);
export type ReservationStatus = Static<typeof ReservationStatus>;

/** An access method and its value (e.g. the licence plate or access code). */
export const AccessInformation = Obj({
  method: AccessMethod,
  value: Opt(Type.String()),
});
export type AccessInformation = Static<typeof AccessInformation>;

/** What can be (or was) booked: EVSE, connector, parking and vehicle limits (lengths in cm, weight in kg). */
export const BookingOption = Obj({
  evse_uid: Opt(CiString(36)),
  connector_id: Opt(CiString(36)),
  parking_id: Opt(CiString(36)),
  evse_position: Many(EVSEPosition),
  vehicle_types: Many(VehicleType),
  connector_format: Many(ConnectorFormat),
  connector_types: Many(ConnectorType),
  power_types: Many(PowerType),
  max_vehicle_weight: Opt(Decimal()),
  max_vehicle_height: Opt(Decimal()),
  max_vehicle_length: Opt(Decimal()),
  max_vehicle_width: Opt(Decimal()),
  min_parking_space_length: Opt(Decimal()),
  min_parking_space_width: Opt(Decimal()),
  dangerous_goods_allowed: Opt(Type.Boolean()),
  drive_through: Opt(Type.Boolean()),
  refrigeration_outlet: Opt(Type.Boolean()),
});
export type BookingOption = Static<typeof BookingOption>;

/** A token that may use a booking. */
export const BookingToken = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  uid: CiString(36),
  type: TokenType,
  contract_id: CiString(36),
});
export type BookingToken = Static<typeof BookingToken>;

/** Reason and party of a cancellation. */
export const Cancellation = Obj({
  cancellation_reason: CanceledReason,
  who_canceled: Role,
});
export type Cancellation = Static<typeof Cancellation>;

/** A requested booking period. */
export const Period = Obj({
  start_date_time: DateTime(),
  end_date_time: DateTime(),
});
export type Period = Static<typeof Period>;

/** An available or booked time slot, with the power on offer in W. */
export const Timeslot = Obj({
  start_date_time: DateTime(),
  end_date_time: DateTime(),
  min_power: Opt(Decimal()),
  max_power: Opt(Decimal()),
  green_energy_support: Opt(Type.Boolean()),
});
export type Timeslot = Static<typeof Timeslot>;

/** How many chargers at a location can be booked, and whether booking is required. */
export const Policy = Obj({
  reservation_required: Type.Boolean(),
  ad_hoc: Opt(Decimal()),
});
export type Policy = Static<typeof Policy>;

/** The CPO's booking conditions (durations in minutes). */
export const BookingTerms = Obj({
  rfid_auth_required: Opt(Type.Boolean()),
  token_groups_supported: Opt(Type.Boolean()),
  remote_auth_supported: Opt(Type.Boolean()),
  supported_access_methods: NonEmpty(AccessMethod),
  change_until_minutes: Decimal(),
  cancel_until_minutes: Decimal(),
  change_not_allowed: Opt(Type.Boolean()),
  early_start_allowed: Opt(Type.Boolean()),
  early_start_time: Opt(Decimal()),
  noshow_timeout: Opt(Decimal()),
  noshow_fee: Opt(Type.Boolean()),
  late_stop_allowed: Opt(Type.Boolean()),
  late_stop_time: Opt(Decimal()),
  overlapping_bookings_allowed: Opt(Type.Boolean()),
  min_booking_duration: Opt(Decimal()),
  max_booking_duration: Opt(Decimal()),
  booking_terms: Opt(Url()),
});
export type BookingTerms = Static<typeof BookingTerms>;

/** An eMSP's request to book (or change or cancel a booking on) a BookingLocation; power in kW. */
export const BookingRequest = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  request_id: CiString(36),
  booking_option: Opt(BookingOption),
  location_id: CiString(36),
  booking_location_id: CiString(36),
  tokens: Many(BookingToken),
  access_information: Many(AccessInformation),
  period: Period,
  authorization_reference: CiString(36),
  power_required: Opt(Int()),
  canceled: Opt(Cancellation),
});
export type BookingRequest = Static<typeof BookingRequest>;

/** A received booking request and its processing state. */
export const BookingRequestStatus = Obj({
  request_status: ReservationRequestStatus,
  booking_request: BookingRequest,
  request_received: DateTime(),
});
export type BookingRequestStatus = Static<typeof BookingRequestStatus>;

/** Availability of a BookingLocation over a period. */
export const Calendar = Obj({
  id: CiString(36),
  begin_from: DateTime(),
  end_before: DateTime(),
  timeslot_increment: Opt(Int()),
  available_timeslots: NonEmpty(Timeslot),
  last_updated: DateTime(),
});
export type Calendar = Static<typeof Calendar>;

/** What a CPO offers for booking at one Location. */
export const BookingLocation = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  location_id: CiString(36),
  booking_option: Opt(BookingOption),
  policy: Opt(Policy),
  tariff_ids: Many(CiString(36)),
  booking_terms: Opt(BookingTerms),
  calendars: Many(Calendar),
  last_updated: DateTime(),
});
export type BookingLocation = Static<typeof BookingLocation>;

/** A booking, owned by the CPO, with the history of its requests. */
export const Booking = Obj({
  id: CiString(36),
  country_code: CiString(2),
  party_id: CiString(3),
  request_id: CiString(36),
  booking_option: Opt(BookingOption),
  location_id: CiString(36),
  booking_tokens: Many(BookingToken),
  tariff_ids: Many(CiString(36)),
  period: Timeslot,
  reservation_status: ReservationStatus,
  canceled: Opt(Cancellation),
  access_information: Many(AccessInformation),
  authorization_reference: CiString(36),
  booking_terms: BookingTerms,
  booking_requests: NonEmpty(BookingRequestStatus),
  last_updated: DateTime(),
});
export type Booking = Static<typeof Booking>;

export const objects: ModuleSchemas['objects'] = {
  Booking,
  BookingLocation,
  Calendar,
  AccessInformation,
  AccessMethod,
  BookingOption,
  BookingRequest,
  BookingRequestStatus,
  BookingTerms,
  BookingToken,
  CanceledReason,
  Cancellation,
  Period,
  Policy,
  ReservationRequestStatus,
  ReservationStatus,
  Timeslot,
};

/** The eMSP's Receiver interface accepts PATCH on BookingLocation, Calendar and Booking (`last_updated` required). */
export const patches: ModuleSchemas['patches'] = {
  Booking: PatchOf(Booking, ['last_updated']),
  BookingLocation: PatchOf(BookingLocation, ['last_updated']),
  Calendar: PatchOf(Calendar, ['last_updated']),
};
