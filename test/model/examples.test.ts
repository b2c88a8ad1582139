import { type TSchema, Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { catalogs } from '../../src/model/catalog.ts';
import { compileValidator, describeIssues, type ValidationIssue } from '../../src/model/validate.ts';
import type { OcpiVersion } from '../../src/model/versions.ts';
import { EXAMPLE_FOLDERS, type ExampleFolder, exampleFiles, exampleJson } from '../support/spec-fixtures.ts';
import { EXAMPLE_EXCEPTIONS, EXAMPLE_UNKNOWN_PROPERTIES } from './spec-example-exceptions.ts';

/*
 * Every JSON example file of the spec, validated against our schema for what it shows.
 * A file that is not in EXAMPLES fails the first test: no example is skipped silently.
 */

/** Example folders and the catalog they are checked against. */
const FOLDERS: Record<ExampleFolder, OcpiVersion> = {
  '2.2.1': '2.2.1',
  '2.3.0': '2.3.0',
  '2.3.0-ed2-payments': '2.3.0',
  '2.3.0-bookings': '2.3.0',
};

interface ExampleTarget {
  /** Catalog key (spec name). */
  name: string;
  /**
   * object: one `name`; patch: the PATCH shape of `name`; list: an array of `name`;
   * envelope: a full response (`data`, `status_code`, `timestamp`) whose `data` is one `name`,
   * or a list of them when `list` is set.
   */
  kind: 'object' | 'patch' | 'list' | 'envelope';
  list?: boolean;
  /** The chapter includes only this property of the file (e.g. `lines=2..4`); validate its value. */
  field?: string;
}

const object = (name: string, field?: string): ExampleTarget =>
  field ? { name, kind: 'object', field } : { name, kind: 'object' };
const patch = (name: string): ExampleTarget => ({ name, kind: 'patch' });

/**
 * What each example file shows, by file name (the same name means the same thing in every
 * folder). Where a chapter includes the file gives the target: e.g. `location_patch_example_status`
 * is under "PATCH ... a simple status update" of an EVSE.
 */
const EXAMPLES: Record<string, ExampleTarget> = {
  // versions / transport_and_format / types
  'versions_info_example.json': { name: 'Version', kind: 'list' },
  'version_details_example.json': object('VersionDetails'),
  'version_details_example2.json': object('VersionDetails'),
  'transport_and_format_version_info_example.json': { name: 'Version', kind: 'envelope', list: true },
  'transport_and_format_version_details_example.json': { name: 'VersionDetails', kind: 'envelope' },
  'transport_and_format_get_token_example.json': { name: 'Token', kind: 'envelope' },
  'transport_and_format_get_token_list_example.json': { name: 'Token', kind: 'envelope', list: true },
  'type_displaytext_example.json': object('DisplayText'),
  // credentials
  'credentials_example.json': object('Credentials'),
  'credentials_example2.json': object('Credentials'),
  'credentials_example3.json': object('Credentials'),
  'credentials_example4.json': object('Credentials'),
  // locations
  'location_example.json': object('Location'),
  'location_example_uc2_destination_charger.json': object('Location'),
  'location_example_uc3_destination_charger_not_published.json': object('Location'),
  'location_example_uc4_limited_visibility.json': object('Location'),
  'location_example_uc5_home_charge_point.json': object('Location'),
  'location_example_parking_garage_opening_hours.json': object('Location'),
  'location_put_example_add_evse.json': object('EVSE'),
  'location_patch_example_status.json': patch('EVSE'),
  'location_patch_example_remove_evse.json': patch('EVSE'),
  'location_patch_example_location.json': patch('Location'),
  'location_patch_example_tariff.json': patch('Connector'),
  'location_energymix_example_simple.json': object('EnergyMix', 'energy_mix'),
  'location_energymix_example_energy_provider.json': object('EnergyMix', 'energy_mix'),
  'location_energymix_example_complete.json': object('EnergyMix', 'energy_mix'),
  'location_hours_247_open_exception_closing.json': object('Hours'),
  'location_hours_opening_hours_with_exceptional_closing.json': object('Hours'),
  'location_hours_opening_hours_with_exceptional_opening.json': object('Hours'),
  'location_regularhours_example.json': object('Hours', 'opening_times'),
  // sessions
  'session_example_1_simple_start.json': object('Session'),
  'session_example_2_short_finished.json': object('Session'),
  'session_patch_example_total_cost.json': patch('Session'),
  'session_patch_example_charging_period.json': patch('Session'),
  // cdrs
  'cdr_example.json': object('CDR'),
  // tariffs
  'tariff_put_example.json': object('Tariff'),
  'tariff_1_simple_2hour.json': object('Tariff'),
  'tariff_2_alt_text.json': object('Tariff'),
  'tariff_3_alt_url.json': object('Tariff'),
  'tariff_4_complex.json': object('Tariff'),
  'tariff_5_free_of_charge.json': object('Tariff'),
  'tariff_6_025kwh_start_max_price.json': object('Tariff'),
  'tariff_8_simple_025kwh.json': object('Tariff'),
  'tariff_9_025kwh_start.json': object('Tariff'),
  'tariff_10_025kwh_parking_start.json': object('Tariff'),
  'tariff_11_not_possible_alt_text.json': object('Tariff'),
  'tariff_12_025kwh_min_price.json': object('Tariff'),
  'tariff_13_simple_3hour_5parking.json': object('Tariff'),
  'tariff_14_step_size.json': object('Tariff'),
  'tariff_15_reservation_5_euro_per_hour.json': object('Tariff'),
  'tariff_16_reservation_2_euro_fee_5_euro_per_hour.json': object('Tariff'),
  'tariff_17_reservation_with_expire_fee.json': object('Tariff'),
  'tariff_18_reservation_with_expire_time.json': object('Tariff'),
  'tariff_19_simple_north_american_exclusive.json': object('Tariff'),
  'tariff_20_simple_north_american_inclusive.json': object('Tariff'),
  'tariffrestriction_example_max_power.json': object('Tariff'),
  'tariffrestriction_example_max_duration.json': object('Tariff'),
  // tokens
  'token_example_1_app_user.json': object('Token'),
  'token_example_2_full_rfid.json': object('Token'),
  'token_put_example.json': object('Token'),
  'token_patch_example.json': patch('Token'),
  // payments (2.3.0): PTP Sender PATCH/PUT/POST activate, CPO Receiver POST, object examples
  'payment_terminal_location_assignment.json': patch('Terminal'),
  'payment_terminal_put_update.json': object('Terminal'),
  'payment_terminal_activate.json': object('Terminal'),
  'payment_terminal_create_minimal.json': object('Terminal'),
  'payment_terminal_create.json': object('Terminal'),
  'payment_terminal_example_newly_created.json': object('Terminal'),
  'payment_terminal_example_assigned_locations.json': object('Terminal'),
  'payment_terminal_example_assigned_locations_assigned_evses.json': object('Terminal'),
  'payment_financial_advice_confirmation_create.json': object('FinancialAdviceConfirmation'),
  'payment_financial_advice_confirmation_example_success.json': object('FinancialAdviceConfirmation'),
  'payment_financial_advice_confirmation_example_failure.json': object('FinancialAdviceConfirmation'),
  // bookings (2.3.0 Bookings package)
  'booking_example.json': object('Booking'),
  'booking_location_example.json': object('BookingLocation'),
  'booking_location_patch_example_terms.json': patch('BookingLocation'),
  // PATCH on a Calendar under a BookingLocation ("timeslot changes").
  'booking_location_patch_example_calendar.json': patch('Calendar'),
  'booking_patch_example_status_update.json': patch('Booking'),
  'booking_patch_example_evse_uid.json': patch('Booking'),
  // Never included by the chapter; by name and content, PATCHes of a BookingRequest.
  'booking_request_patch_example_timeslot.json': patch('BookingRequest'),
  'booking_request_patch_example_tokens.json': patch('BookingRequest'),
};

type Schema = TSchema & {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
};

/** The schema and the value an example is checked with, or why it cannot be. */
function target(
  version: OcpiVersion,
  t: ExampleTarget,
  raw: unknown,
): { schema: Schema; value: unknown } | { missing: string } {
  const catalog = catalogs[version];
  const base = t.kind === 'patch' ? catalog.patches[t.name] : catalog.objects[t.name];
  if (!base)
    return { missing: `no ${t.kind === 'patch' ? 'patch' : 'object'} schema ${t.name} in ${version}` };
  let value = raw;
  if (t.field) value = (raw as Record<string, unknown>)[t.field];
  if (t.kind === 'envelope') value = (raw as Record<string, unknown>).data;
  const asList = t.kind === 'list' || (t.kind === 'envelope' && t.list);
  const schema = (asList ? Type.Array(base) : base) as Schema;
  return { schema, value };
}

const validators = new Map<Schema, ReturnType<typeof compileValidator>>();
function validate(schema: Schema, value: unknown): ValidationIssue[] {
  let v = validators.get(schema);
  if (!v) {
    v = compileValidator(schema);
    validators.set(schema, v);
  }
  const r = v(value);
  return r.ok ? [] : r.errors;
}

function envelopeIssues(raw: unknown): string[] {
  const env = raw as Record<string, unknown>;
  const issues: string[] = [];
  if (!Number.isInteger(env.status_code)) issues.push('/status_code: must be an integer');
  if (typeof env.timestamp !== 'string') issues.push('/timestamp: must be a DateTime');
  if (!('data' in env)) issues.push('/data: missing');
  return issues;
}

/** Property names in the example that the schema does not define (allowed on read, but worth knowing). */
function unknownProperties(schema: Schema, value: unknown, path = ''): string[] {
  if (schema.anyOf) {
    const variants = schema.anyOf.filter((s) => s.type === 'object' || s.type === 'array' || s.anyOf);
    if (variants.length === 0) return [];
    // Keep the reading that finds the fewest unknowns.
    return variants
      .map((s) => unknownProperties(s, value, path))
      .reduce((a, b) => (b.length < a.length ? b : a));
  }
  if (schema.type === 'array' && schema.items && Array.isArray(value)) {
    const items = schema.items;
    return [...new Set(value.flatMap((v, i) => unknownProperties(items, v, `${path}/${i}`)))].map((p) =>
      p.replace(/\/\d+(?=\/|$)/g, '/*'),
    );
  }
  if (schema.type === 'object' && schema.properties && value && typeof value === 'object') {
    const props = schema.properties;
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      const sub = props[k];
      return sub ? unknownProperties(sub, v, `${path}/${k}`) : [`${path}/${k}`];
    });
  }
  return [];
}

describe('spec example files', () => {
  it('maps every example file of every folder (none skipped, none stale)', () => {
    const present = new Set(EXAMPLE_FOLDERS.flatMap(exampleFiles));
    const unmapped = [...present].filter((f) => !EXAMPLES[f]);
    const stale = Object.keys(EXAMPLES).filter((f) => !present.has(f));
    expect({ unmapped, stale }).toEqual({ unmapped: [], stale: [] });
  });

  it('lists only exceptions for files that exist', () => {
    const missing = Object.entries(EXAMPLE_EXCEPTIONS).flatMap(([file, e]) =>
      e.folders.filter((folder) => !exampleFiles(folder).includes(file)).map((folder) => `${folder}/${file}`),
    );
    expect(missing).toEqual([]);
  });

  for (const folder of EXAMPLE_FOLDERS) {
    const version = FOLDERS[folder];
    describe(`${folder} (checked against the ${version} catalog)`, () => {
      for (const file of exampleFiles(folder)) {
        const t = EXAMPLES[file];
        if (!t) continue; // reported by the mapping test
        const exception = EXAMPLE_EXCEPTIONS[file]?.folders.includes(folder)
          ? EXAMPLE_EXCEPTIONS[file]
          : undefined;
        const label = `${file} → ${t.kind === 'object' ? '' : `${t.kind} `}${t.name}${exception ? ' (known spec error: must still fail)' : ''}`;
        it(label, () => {
          const raw = exampleJson(folder, file);
          const resolved = target(version, t, raw);
          if ('missing' in resolved) {
            // Only an exception that says the spec defines no such shape may end here.
            if (!exception?.noSchema) expect.fail(resolved.missing);
            return;
          }
          expect(exception?.noSchema, `${t.name} now has a schema; review the exception`).not.toBe(true);
          const issues = [
            ...(t.kind === 'envelope' ? envelopeIssues(raw) : []),
            ...validate(resolved.schema, resolved.value).map((i) => describeIssues([i])),
          ];
          if (exception) {
            expect(
              issues,
              `${folder}/${file} now validates; remove its exception (${exception.reason})`,
            ).not.toEqual([]);
          } else {
            expect(issues).toEqual([]);
          }
        });
      }

      it('uses no property names beyond the schemas, except the known spec typos', () => {
        const found: string[] = [];
        for (const file of exampleFiles(folder)) {
          const t = EXAMPLES[file];
          if (!t) continue;
          const raw = exampleJson(folder, file);
          const resolved = target(version, t, raw);
          if ('missing' in resolved) continue;
          for (const p of unknownProperties(resolved.schema, resolved.value)) found.push(`${file}: ${p}`);
        }
        const expected = Object.entries(EXAMPLE_UNKNOWN_PROPERTIES).flatMap(([file, e]) =>
          e.folders.includes(folder) ? e.paths.map((p) => `${file}: ${p}`) : [],
        );
        expect(found.sort()).toEqual(expected.sort());
      });
    });
  }
});
