import { type TSchema, Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import * as common from '../../src/model/v221/common.ts';
import * as credentials from '../../src/model/v221/credentials.ts';
import * as hubclientinfo from '../../src/model/v221/hubclientinfo.ts';
import * as locations from '../../src/model/v221/locations.ts';
import * as tariffs from '../../src/model/v221/tariffs.ts';
import * as tokens from '../../src/model/v221/tokens.ts';
import * as versions from '../../src/model/v221/versions.ts';
import { compileValidator } from '../../src/model/validate.ts';
import { exampleFiles, exampleJson } from '../support/spec-fixtures.ts';

type Json = Record<string, unknown>;

function example(name: string): unknown {
  return exampleJson('2.2.1', name);
}
function obj(value: unknown): Json {
  return value as Json;
}
function at(value: unknown, ...path: (string | number)[]): Json {
  let cur: unknown = value;
  for (const key of path) cur = (cur as Record<string | number, unknown>)[key];
  return cur as Json;
}
function without(value: Json, field: string): Json {
  const copy = structuredClone(value);
  delete copy[field];
  return copy;
}
function check(schema: TSchema, value: unknown) {
  return compileValidator(schema)(value);
}

interface Case {
  name: string;
  schema: TSchema;
  /** A valid sample, preferably taken from a spec example. */
  sample: () => Json;
  /** A required field of the sample. */
  required: string;
  /** An optional field present in the sample. */
  optional?: string;
}

const locationExample = () => obj(example('location_example.json'));
const fullRfidToken = () => obj(example('token_example_2_full_rfid.json'));
const fullCredentials = () => obj(example('credentials_example3.json'));
const completeMix = () => at(example('location_energymix_example_complete.json'), 'energy_mix');

const cases: Case[] = [
  // common.ts
  {
    name: 'DisplayText',
    schema: common.DisplayText,
    sample: () => obj(example('type_displaytext_example.json')),
    required: 'text',
  },
  {
    name: 'Price',
    schema: common.Price,
    sample: () => at(example('tariff_12_025kwh_min_price.json'), 'min_price'),
    required: 'excl_vat',
    optional: 'incl_vat',
  },
  {
    name: 'Image',
    schema: common.Image,
    sample: () => at(fullCredentials(), 'roles', 0, 'business_details', 'logo'),
    required: 'category',
    optional: 'thumbnail',
  },
  {
    name: 'BusinessDetails',
    schema: common.BusinessDetails,
    sample: () => at(fullCredentials(), 'roles', 0, 'business_details'),
    required: 'name',
    optional: 'logo',
  },
  {
    name: 'GeoLocation',
    schema: common.GeoLocation,
    sample: () => at(locationExample(), 'coordinates'),
    required: 'latitude',
  },
  {
    name: 'EnergySource',
    schema: common.EnergySource,
    sample: () => at(completeMix(), 'energy_sources', 0),
    required: 'percentage',
  },
  {
    name: 'EnvironmentalImpact',
    schema: common.EnvironmentalImpact,
    sample: () => at(completeMix(), 'environ_impact', 0),
    required: 'category',
  },
  {
    name: 'EnergyMix',
    schema: common.EnergyMix,
    sample: completeMix,
    required: 'is_green_energy',
    optional: 'energy_sources',
  },
  // credentials.ts
  { name: 'Credentials', schema: credentials.Credentials, sample: fullCredentials, required: 'roles' },
  {
    name: 'CredentialsRole',
    schema: credentials.CredentialsRole,
    sample: () => at(fullCredentials(), 'roles', 0),
    required: 'business_details',
  },
  // versions.ts
  {
    name: 'Version',
    schema: versions.Version,
    sample: () => at(example('versions_info_example.json'), 1),
    required: 'url',
  },
  {
    name: 'VersionDetails',
    schema: versions.VersionDetails,
    sample: () => obj(example('version_details_example2.json')),
    required: 'endpoints',
  },
  {
    name: 'Endpoint',
    schema: versions.Endpoint,
    sample: () => at(example('version_details_example2.json'), 'endpoints', 0),
    required: 'role',
  },
  // locations.ts
  {
    name: 'Location',
    schema: locations.Location,
    sample: locationExample,
    required: 'coordinates',
    optional: 'evses',
  },
  {
    name: 'EVSE',
    schema: locations.EVSE,
    sample: () => at(locationExample(), 'evses', 0),
    required: 'connectors',
    optional: 'evse_id',
  },
  {
    name: 'Connector',
    schema: locations.Connector,
    sample: () => at(locationExample(), 'evses', 0, 'connectors', 0),
    required: 'max_amperage',
    optional: 'tariff_ids',
  },
  {
    name: 'AdditionalGeoLocation',
    schema: locations.AdditionalGeoLocation,
    sample: () => ({
      latitude: '51.047599',
      longitude: '3.729944',
      name: { language: 'en', text: 'Entrance' },
    }),
    required: 'longitude',
    optional: 'name',
  },
  {
    name: 'ExceptionalPeriod',
    schema: locations.ExceptionalPeriod,
    sample: () => at(example('location_hours_247_open_exception_closing.json'), 'exceptional_closings', 0),
    required: 'period_end',
  },
  {
    name: 'RegularHours',
    schema: locations.RegularHours,
    sample: () => at(example('location_regularhours_example.json'), 'opening_times', 'regular_hours', 0),
    required: 'weekday',
  },
  {
    name: 'Hours',
    schema: locations.Hours,
    sample: () => obj(example('location_hours_opening_hours_with_exceptional_opening.json')),
    required: 'twentyfourseven',
    optional: 'regular_hours',
  },
  {
    name: 'PublishTokenType',
    schema: locations.PublishTokenType,
    sample: () => ({
      ...at(example('location_example_uc4_limited_visibility.json'), 'publish_allowed_to', 2),
      foo: 1,
    }),
    // every field is optional: "required" is tested with a wrong type instead (see below)
    required: '',
    optional: 'type',
  },
  {
    name: 'StatusSchedule',
    schema: locations.StatusSchedule,
    sample: () => ({
      period_begin: '2024-01-01T00:00:00Z',
      period_end: '2024-02-01T00:00:00Z',
      status: 'PLANNED',
    }),
    required: 'status',
    optional: 'period_end',
  },
  // tariffs.ts
  {
    name: 'Tariff',
    schema: tariffs.Tariff,
    sample: () => obj(example('tariff_4_complex.json')),
    required: 'elements',
    optional: 'type',
  },
  {
    name: 'TariffElement',
    schema: tariffs.TariffElement,
    sample: () => at(example('tariff_4_complex.json'), 'elements', 4),
    required: 'price_components',
    optional: 'restrictions',
  },
  {
    name: 'PriceComponent',
    schema: tariffs.PriceComponent,
    sample: () => at(example('tariff_4_complex.json'), 'elements', 0, 'price_components', 0),
    required: 'step_size',
    optional: 'vat',
  },
  {
    name: 'TariffRestrictions',
    schema: tariffs.TariffRestrictions,
    sample: () => at(example('tariff_4_complex.json'), 'elements', 4, 'restrictions'),
    required: '',
    optional: 'day_of_week',
  },
  // tokens.ts
  {
    name: 'Token',
    schema: tokens.Token,
    sample: fullRfidToken,
    required: 'issuer',
    optional: 'energy_contract',
  },
  {
    name: 'EnergyContract',
    schema: tokens.EnergyContract,
    sample: () => at(fullRfidToken(), 'energy_contract'),
    required: 'supplier_name',
    optional: 'contract_id',
  },
  {
    name: 'LocationReferences',
    schema: tokens.LocationReferences,
    sample: () => ({ location_id: 'LOC1', evse_uids: ['3256', '3257'] }),
    required: 'location_id',
    optional: 'evse_uids',
  },
  {
    name: 'AuthorizationInfo',
    schema: tokens.AuthorizationInfo,
    sample: () => ({
      allowed: 'ALLOWED',
      token: fullRfidToken(),
      location: { location_id: 'LOC1', evse_uids: ['3256'] },
      authorization_reference: 'AUTH-1',
      info: { language: 'en', text: 'Welcome' },
    }),
    required: 'token',
    optional: 'location',
  },
  // hubclientinfo.ts
  {
    name: 'ClientInfo',
    schema: hubclientinfo.ClientInfo,
    sample: () => ({
      country_code: 'NL',
      party_id: 'ALL',
      role: 'CPO',
      status: 'PLANNED',
      last_updated: '2019-01-28T12:00:00Z',
    }),
    required: 'last_updated',
  },
];

describe('OCPI 2.2.1 schemas, part A', () => {
  describe.each(cases)('$name', ({ schema, sample, required, optional }) => {
    it('accepts a valid sample', () => {
      expect(check(schema, sample())).toEqual({ ok: true, value: sample() });
    });
    if (required) {
      it(`rejects a sample without ${required}, naming /${required}`, () => {
        const result = check(schema, without(sample(), required));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map((e) => e.path)).toContain(`/${required}`);
      });
    }
    if (optional) {
      it(`accepts a sample without optional ${optional}`, () => {
        expect(sample()[optional]).toBeDefined();
        expect(check(schema, without(sample(), optional)).ok).toBe(true);
      });
    }
  });

  it('rejects a nested missing field with its full path', () => {
    const loc = locationExample();
    delete at(loc, 'evses', 1, 'connectors', 0).standard;
    const result = check(locations.Location, loc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.path).toBe('/evses/1/connectors/0/standard');
  });

  it('rejects wrongly typed optional fields of all-optional classes', () => {
    const r1 = check(locations.PublishTokenType, { uid: 5 });
    expect(r1.ok).toBe(false);
    if (!r1.ok) expect(r1.errors[0]?.path).toBe('/uid');
    const r2 = check(tariffs.TariffRestrictions, { start_time: '25:00' });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.errors[0]?.path).toBe('/start_time');
  });

  it('keeps `+` lists non-empty', () => {
    const tariff = obj(example('tariff_1_simple_2hour.json'));
    const r = check(tariffs.Tariff, { ...tariff, elements: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.path).toBe('/elements');
    expect(check(credentials.Credentials, { ...fullCredentials(), roles: [] }).ok).toBe(false);
    expect(check(locations.EVSE, { ...at(locationExample(), 'evses', 0), connectors: [] }).ok).toBe(false);
  });

  it('enforces string lengths and formats from the spec', () => {
    expect(check(common.DisplayText, { language: 'eng', text: 'x' }).ok).toBe(false);
    expect(check(common.GeoLocation, { latitude: '51.04', longitude: '3.729944' }).ok).toBe(false);
    expect(check(tokens.Token, { ...fullRfidToken(), uid: 'x'.repeat(37) }).ok).toBe(false);
    expect(check(locations.RegularHours, { weekday: 8, period_begin: '08:00', period_end: '20:00' }).ok).toBe(
      false,
    );
  });

  it('closed enums reject unknown values and name the allowed ones', () => {
    const r = check(common.Role, 'PTP');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.message).toContain('CPO, EMSP, HUB, NAP, NSP, OTHER, SCSP');
    expect(check(tokens.TokenType, 'EMAID').ok).toBe(false);
    expect(check(locations.ConnectorType, 'MCS').ok).toBe(false);
    expect(check(hubclientinfo.ConnectionStatus, 'SUSPENDED').ok).toBe(true);
  });

  it('ModuleID accepts custom module identifiers (allowed by the 2.2.1 text)', () => {
    const endpoint = { identifier: 'nltnm-tokens', role: 'SENDER', url: 'https://example.com/x' };
    expect(check(versions.Endpoint, endpoint).ok).toBe(true);
  });

  it('allows unknown properties on read', () => {
    expect(check(tokens.Token, { ...fullRfidToken(), vendor_extension: { a: 1 } }).ok).toBe(true);
  });

  it('PATCH shapes require only last_updated', () => {
    expect(check(locations.patches.Location!, example('location_patch_example_location.json')).ok).toBe(true);
    expect(check(locations.patches.EVSE!, example('location_patch_example_status.json')).ok).toBe(true);
    expect(check(locations.patches.EVSE!, example('location_patch_example_remove_evse.json')).ok).toBe(true);
    expect(check(locations.patches.Connector!, example('location_patch_example_tariff.json')).ok).toBe(true);
    expect(check(tokens.patches.Token!, example('token_patch_example.json')).ok).toBe(true);
    const r = check(tokens.patches.Token!, { valid: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.path).toBe('/last_updated');
    expect(check(tokens.patches.Token!, { valid: 'no', last_updated: '2019-06-19T02:11:11Z' }).ok).toBe(
      false,
    );
    expect(Object.keys(tariffs.patches)).toEqual([]);
  });

  it('every module exports its schemas by spec name', () => {
    for (const m of [common, credentials, versions, locations, tariffs, tokens, hubclientinfo]) {
      for (const [name, schema] of Object.entries(m.objects)) {
        expect((m as unknown as Record<string, unknown>)[name]).toBe(schema);
      }
    }
    expect(Object.keys(locations.objects)).toEqual(
      expect.arrayContaining([
        'Location',
        'EVSE',
        'Connector',
        'Hours',
        'PublishTokenType',
        'StatusSchedule',
      ]),
    );
  });
});

describe('OCPI 2.2.1 spec examples (part A modules)', () => {
  const data = (v: unknown) => at(v, 'data');
  const energyMix = (v: unknown) => at(v, 'energy_mix');
  const table: [string, TSchema, ((v: unknown) => unknown)?][] = [
    ['credentials_example.json', credentials.Credentials],
    ['credentials_example2.json', credentials.Credentials],
    ['credentials_example3.json', credentials.Credentials],
    ['credentials_example4.json', credentials.Credentials],
    ['location_energymix_example_complete.json', common.EnergyMix, energyMix],
    ['location_energymix_example_energy_provider.json', common.EnergyMix, energyMix],
    ['location_energymix_example_simple.json', common.EnergyMix, energyMix],
    ['location_example.json', locations.Location],
    ['location_example_parking_garage_opening_hours.json', locations.Location],
    ['location_example_uc2_destination_charger.json', locations.Location],
    ['location_example_uc3_destination_charger_not_published.json', locations.Location],
    ['location_example_uc4_limited_visibility.json', locations.Location],
    ['location_example_uc5_home_charge_point.json', locations.Location],
    ['location_hours_247_open_exception_closing.json', locations.Hours],
    ['location_hours_opening_hours_with_exceptional_closing.json', locations.Hours],
    ['location_hours_opening_hours_with_exceptional_opening.json', locations.Hours],
    ['location_regularhours_example.json', locations.Hours, (v) => at(v, 'opening_times')],
    ['token_example_1_app_user.json', tokens.Token],
    ['token_example_2_full_rfid.json', tokens.Token],
    ['token_put_example.json', tokens.Token],
    ['transport_and_format_get_token_example.json', tokens.Token, data],
    ['transport_and_format_get_token_list_example.json', Type.Array(tokens.Token), data],
    ['transport_and_format_version_details_example.json', versions.VersionDetails, data],
    ['transport_and_format_version_info_example.json', Type.Array(versions.Version), data],
    ['type_displaytext_example.json', common.DisplayText],
    ['version_details_example.json', versions.VersionDetails],
    ['version_details_example2.json', versions.VersionDetails],
    ['versions_info_example.json', Type.Array(versions.Version)],
    ['cdr_example.json', Type.Array(tariffs.Tariff), (v) => at(v, 'tariffs')],
  ];
  for (const file of exampleFiles('2.2.1')) {
    if (file.startsWith('tariff') && file !== 'tariff_put_example.json') table.push([file, tariffs.Tariff]);
  }

  it.each(table)('%s validates', (file, schema, pick) => {
    const raw = example(file);
    const result = check(schema, pick ? pick(raw) : raw);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  // Known-wrong spec examples: kept as tests so that a change is noticed.
  it('location_put_example_add_evse.json is incomplete (spec example wrong)', () => {
    const result = check(locations.EVSE, example('location_put_example_add_evse.json'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.path)).toEqual([
        '/connectors/0/power_type',
        '/connectors/0/max_voltage',
        '/connectors/0/max_amperage',
        '/connectors/0/last_updated',
        '/physical_reference',
      ]);
    }
  });

  it('tariff_put_example.json lacks last_updated (spec example wrong)', () => {
    const result = check(tariffs.Tariff, example('tariff_put_example.json'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(['/last_updated']);
  });
});
