import { EXAMPLE_FOLDERS, type ExampleFolder } from '../support/spec-fixtures.ts';

/**
 * Spec example files that are wrong in the spec itself, with the reason. The examples test
 * asserts that each still fails against our schemas, so a stale entry is noticed.
 */
export interface ExampleException {
  /** Example folders (under the spec root) whose copy of the file is wrong. */
  folders: readonly ExampleFolder[];
  reason: string;
  /** The spec defines no schema the file could be checked against. */
  noSchema?: boolean;
}

const ALL = EXAMPLE_FOLDERS;
const PAYMENTS: ExampleFolder[] = ['2.3.0', '2.3.0-ed2-payments'];
const BOOKINGS: ExampleFolder[] = ['2.3.0-bookings'];

export const EXAMPLE_EXCEPTIONS: Record<string, ExampleException> = {
  'location_put_example_add_evse.json': {
    folders: ALL,
    reason:
      'the Connector lacks power_type, max_voltage, max_amperage and last_updated (all card. 1), ' +
      'physical_reference is a number (string(16) in the EVSE table), and it says `floor` for floor_level',
  },
  'cdr_example.json': {
    folders: ['2.3.0', '2.3.0-ed2-payments', '2.3.0-bookings'],
    reason: 'the embedded Tariff was not updated for 2.3.0: it lacks tax_included (card. 1 since 2.3.0)',
  },
  'tariff_put_example.json': {
    folders: ALL,
    reason: 'a full Tariff PUT body without last_updated (card. 1)',
  },
  'payment_terminal_create_minimal.json': {
    folders: PAYMENTS,
    reason:
      'only terminal_id: the POST text says the object may be just the id, but the Terminal table makes ' +
      'last_updated card. 1',
  },
  'payment_terminal_put_update.json': {
    folders: PAYMENTS,
    reason: 'the PUT body is a Terminal (card. 1) but the example leaves out terminal_id (card. 1)',
  },
  'payment_financial_advice_confirmation_create.json': {
    folders: PAYMENTS,
    reason:
      'total_costs uses the 2.2.1 Price shape (excl_vat/incl_vat); the 2.3.0 Price requires before_taxes',
  },
  'payment_financial_advice_confirmation_example_success.json': {
    folders: PAYMENTS,
    reason:
      'total_costs uses the 2.2.1 Price shape (excl_vat/incl_vat); the 2.3.0 Price requires before_taxes',
  },
  'payment_financial_advice_confirmation_example_failure.json': {
    folders: PAYMENTS,
    reason: 'total_costs uses the 2.2.1 Price shape, and eft_data (card. +) is missing',
  },
  'location_example.json': {
    folders: BOOKINGS,
    reason:
      'the Bookings package predates the errata: EVSE.parking holds plain ids while its own EVSE table ' +
      'says EVSEParking objects (fixed in the 2.3.0 folder)',
  },
  'location_example_parking_garage_opening_hours.json': {
    folders: BOOKINGS,
    reason: 'as location_example.json: EVSE.parking holds plain ids instead of EVSEParking objects',
  },
  'booking_example.json': {
    folders: BOOKINGS,
    reason:
      'party_id "INF12" is longer than CiString(3) (also in booking_tokens and booking_requests), and ' +
      'the nested BookingRequests lack booking_location_id (card. 1)',
  },
  'booking_location_example.json': {
    folders: BOOKINGS,
    reason: 'booking_option.evse_position is a single value; the BookingOption table makes it EVSEPosition *',
  },
  'booking_location_patch_example_calendar.json': {
    folders: BOOKINGS,
    reason: 'the Timeslot keys are written "start_date_time " and "end_date_time " (trailing space)',
  },
  'booking_location_patch_example_terms.json': {
    folders: BOOKINGS,
    reason:
      'the PATCH sends a partial BookingTerms without supported_access_methods (+), change_until_minutes ' +
      'and cancel_until_minutes (1); OCPI PATCH replaces a nested object as a whole',
  },
  'booking_request_patch_example_timeslot.json': {
    folders: BOOKINGS,
    noSchema: true,
    reason:
      'never included by the chapter; the Bookings Sender interface has no PATCH for BookingRequest, and ' +
      '`timeslot` is not a BookingRequest property (keys also have trailing spaces)',
  },
  'booking_request_patch_example_tokens.json': {
    folders: BOOKINGS,
    noSchema: true,
    reason: 'never included by the chapter; the Bookings Sender interface has no PATCH for BookingRequest',
  },
};

/**
 * Property names the example files use but the spec's tables do not define (typos and
 * leftovers). Allowed on read, so they do not fail validation; listed so that they are known.
 * Paths are JSON pointers with `*` for list indexes.
 */
export const EXAMPLE_UNKNOWN_PROPERTIES: Record<
  string,
  { folders: readonly ExampleFolder[]; paths: string[] }
> = {
  // EVSE.floor_level is meant.
  'location_put_example_add_evse.json': { folders: ALL, paths: ['/floor'] },
  // The 2.2.1 Price fields, see EXAMPLE_EXCEPTIONS.
  'payment_financial_advice_confirmation_create.json': {
    folders: PAYMENTS,
    paths: ['/total_costs/excl_vat', '/total_costs/incl_vat'],
  },
  'payment_financial_advice_confirmation_example_success.json': {
    folders: PAYMENTS,
    paths: ['/total_costs/excl_vat', '/total_costs/incl_vat'],
  },
  'payment_financial_advice_confirmation_example_failure.json': {
    folders: PAYMENTS,
    paths: ['/total_costs/excl_vat', '/total_costs/incl_vat'],
  },
  // BookingOption.connector_format is meant.
  'booking_location_example.json': { folders: BOOKINGS, paths: ['/booking_option/formats'] },
  // Trailing spaces in the key names.
  'booking_location_patch_example_calendar.json': {
    folders: BOOKINGS,
    paths: ['/available_timeslots/*/start_date_time ', '/available_timeslots/*/end_date_time '],
  },
  // Booking has no evse_uid; it lives in booking_option (BookingOption.evse_uid).
  'booking_patch_example_evse_uid.json': { folders: BOOKINGS, paths: ['/evse_uid'] },
};
