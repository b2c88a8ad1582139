import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../src/model/v211/index.ts';
import { compileValidator } from '../../src/model/validate.ts';
import { jsonBlocks211 as jsonBlocks } from '../support/spec-fixtures.ts';

/**
 * OCPI 2.1.1 schemas. 2.1.1 has no examples folder: its examples are ```json blocks inside the
 * markdown chapters, kept in the spec fixtures (test/fixtures/spec/2.1.1/json-blocks.json).
 */

/**
 * How a block is turned into the value to check:
 * - body: plain JSON, possibly after a "PUT/PATCH To URL: ..." line, which is dropped;
 * - fragment: a `"name": {...}` property, wrapped in braces and its value taken;
 * - envelopeData: a full response envelope; its `data` is checked.
 */
type Shape = 'body' | 'fragment' | 'envelopeData';

function decode(text: string, shape: Shape): unknown {
  if (shape === 'fragment') {
    const wrapped = JSON.parse(`{${text}}`) as Record<string, unknown>;
    const values = Object.values(wrapped);
    expect(values).toHaveLength(1);
    return values[0];
  }
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*[[{]/.test(l));
  const parsed: unknown = JSON.parse(lines.slice(start).join('\n'));
  if (shape === 'envelopeData') return (parsed as { data?: unknown }).data;
  return parsed;
}

/** Target: an object name, `Name[]` for a list of them, or `PATCH Name` for a PATCH body. */
function schemaFor(target: string): TSchema {
  const patch = /^PATCH (\w+)$/.exec(target);
  if (patch) return must(catalog.patches[patch[1] as string], target);
  const list = /^(\w+)\[\]$/.exec(target);
  if (list) return Type.Array(must(catalog.objects[list[1] as string], target));
  return must(catalog.objects[target], target);
}

function must(schema: TSchema | undefined, name: string): TSchema {
  if (!schema) throw new Error(`no schema for ${name}`);
  return schema;
}

interface MappedExample {
  file: string;
  /** 1-based position of the ```json block in the file. */
  n: number;
  heading: string;
  target: string;
  shape?: Shape;
  /** Paths that must be reported when the spec's own example is wrong; absent = must validate. */
  invalid?: { paths: string[]; why: string };
}

interface SkippedExample {
  file: string;
  n: number;
  heading: string;
  why: string;
}

const EXAMPLES: MappedExample[] = [
  { file: 'credentials.md', n: 1, heading: '### Example', target: 'Credentials' },
  { file: 'version_information_endpoint.md', n: 1, heading: '### Example', target: 'Version[]' },
  { file: 'version_information_endpoint.md', n: 2, heading: '### Example', target: 'VersionDetails' },
  {
    file: 'mod_locations.md',
    n: 1,
    heading: '##### Example: a simple status update',
    target: 'PATCH EVSE',
  },
  {
    file: 'mod_locations.md',
    n: 2,
    heading: '##### Example: change the location name',
    target: 'PATCH Location',
  },
  { file: 'mod_locations.md', n: 3, heading: '##### Example: set tariff update', target: 'PATCH Connector' },
  {
    file: 'mod_locations.md',
    n: 4,
    heading: '##### Example: add an EVSE',
    target: 'EVSE',
    invalid: {
      why: 'PUT of a full EVSE, but physical_reference/floor_level are numbers instead of strings, and last_updated plus the connector power_type/voltage/amperage/last_updated are missing',
      paths: [
        '/physical_reference',
        '/floor_level',
        '/last_updated',
        '/connectors/0/power_type',
        '/connectors/0/voltage',
        '/connectors/0/amperage',
        '/connectors/0/last_updated',
      ],
    },
  },
  { file: 'mod_locations.md', n: 5, heading: '##### Example: delete an EVSE', target: 'PATCH EVSE' },
  { file: 'mod_locations.md', n: 6, heading: '#### Example', target: 'Location' },
  { file: 'mod_locations.md', n: 7, heading: '##### Simple:', target: 'EnergyMix', shape: 'fragment' },
  {
    file: 'mod_locations.md',
    n: 8,
    heading: '##### Tariff name based:',
    target: 'EnergyMix',
    shape: 'fragment',
  },
  { file: 'mod_locations.md', n: 9, heading: '##### Complete:', target: 'EnergyMix', shape: 'fragment' },
  { file: 'mod_locations.md', n: 10, heading: '#### 4.19.1 Example', target: 'Hours', shape: 'fragment' },
  { file: 'mod_sessions.md', n: 1, heading: '##### Example: update the total cost', target: 'PATCH Session' },
  {
    file: 'mod_sessions.md',
    n: 2,
    heading: '#### Simple Session example of a just starting session',
    target: 'Session',
  },
  {
    file: 'mod_sessions.md',
    n: 3,
    heading: '##### Simple Session example of a short finished session',
    target: 'Session',
  },
  {
    file: 'mod_cdrs.md',
    n: 1,
    heading: '#### Example of a CDR',
    target: 'CDR',
    invalid: {
      why: 'the embedded tariff gives price as the string "2.00"; PriceComponent.price is a number',
      paths: ['/tariffs/0/elements/0/price_components/0/price'],
    },
  },
  {
    file: 'mod_tariffs.md',
    n: 1,
    heading: '##### Example: New Tariff 2 euro per hour',
    target: 'Tariff',
    invalid: { why: 'PUT of a full Tariff without the required last_updated', paths: ['/last_updated'] },
  },
  { file: 'mod_tariffs.md', n: 2, heading: '##### Example: Change Tariff to 2,50', target: 'PATCH Tariff' },
  { file: 'mod_tariffs.md', n: 3, heading: '##### Simple Tariff example 2 euro per hour', target: 'Tariff' },
  {
    file: 'mod_tariffs.md',
    n: 4,
    heading: '##### Simple Tariff example with alternative multi language text',
    target: 'Tariff',
  },
  {
    file: 'mod_tariffs.md',
    n: 5,
    heading: '##### Simple Tariff example with alternative URL',
    target: 'Tariff',
  },
  { file: 'mod_tariffs.md', n: 6, heading: '##### Complex Tariff example', target: 'Tariff' },
  { file: 'mod_tariffs.md', n: 7, heading: '##### Free of Charge Tariff example', target: 'Tariff' },
  { file: 'mod_tokens.md', n: 1, heading: '##### Example: put a new Token', target: 'Token' },
  { file: 'mod_tokens.md', n: 2, heading: '##### Example: invalidate a Token', target: 'PATCH Token' },
  { file: 'mod_tokens.md', n: 3, heading: '#### Example', target: 'Token' },
  {
    file: 'transport_and_format.md',
    n: 1,
    heading: '#### Example: Version information response (list of objects)',
    target: 'Version[]',
    shape: 'envelopeData',
    invalid: { why: 'lists version "1.9", which is not a 2.1.1 VersionNumber', paths: ['/0/version'] },
  },
  {
    file: 'transport_and_format.md',
    n: 2,
    heading: '#### Example: Version details response (one object)',
    target: 'VersionDetails',
    shape: 'envelopeData',
  },
  {
    file: 'transport_and_format.md',
    n: 3,
    heading: '#### Example: Tokens GET Response with one Token object. (CPO end-point) (one object)',
    target: 'Token',
    shape: 'envelopeData',
  },
  {
    file: 'transport_and_format.md',
    n: 4,
    heading:
      '#### Example: Tokens GET Response with list of Token objects. (eMSP end-point) (list of objects)',
    target: 'Token[]',
    shape: 'envelopeData',
  },
];

const SKIPPED: SkippedExample[] = [
  {
    file: 'transport_and_format.md',
    n: 5,
    heading: '#### Example: Response with an error (contains no data field)',
    why: 'an error envelope without data: no 2.1.1 object to check',
  },
];

/** Chapters searched for ```json blocks (types.md and mod_commands.md have none). */
const CHAPTERS = [
  'types.md',
  'credentials.md',
  'version_information_endpoint.md',
  'transport_and_format.md',
  'mod_locations.md',
  'mod_sessions.md',
  'mod_cdrs.md',
  'mod_tariffs.md',
  'mod_tokens.md',
  'mod_commands.md',
];

function pathsOf(schema: TSchema, value: unknown): string[] {
  const result = compileValidator(schema)(value);
  return result.ok ? [] : result.errors.map((e) => e.path);
}

describe('OCPI 2.1.1 spec examples (```json blocks in the markdown)', () => {
  it('maps or explicitly skips every block', () => {
    for (const file of CHAPTERS) {
      const blocks = jsonBlocks(file);
      const listed = [...EXAMPLES, ...SKIPPED].filter((e) => e.file === file).map((e) => e.n);
      expect(
        listed.sort((a, b) => a - b),
        file,
      ).toEqual(blocks.map((_, i) => i + 1));
    }
  });

  it.each(SKIPPED)('skips $file #$n ($why)', ({ file, n, heading }) => {
    expect(jsonBlocks(file)[n - 1]?.heading).toBe(heading);
  });

  it.each(EXAMPLES)('$file #$n ($heading) as $target', ({ file, n, heading, target, shape, invalid }) => {
    const block = jsonBlocks(file)[n - 1];
    expect(block?.heading).toBe(heading);
    const value = decode(block?.text ?? '', shape ?? 'body');
    const paths = pathsOf(schemaFor(target), value);
    if (invalid) {
      expect([...paths].sort()).toEqual([...invalid.paths].sort());
    } else {
      expect(paths).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Per object: a complete sample (every field of the spec table), and the fields the spec marks
// `1` or `+`. Removing any required field must be reported at its path; removing any other
// field must still validate. The schema's own `required` list must match the table exactly.

const displayText = { language: 'en', text: 'Standard Tariff' };
const image = {
  url: 'https://example.com/img/logo.jpg',
  thumbnail: 'https://example.com/img/logo_thumb.jpg',
  category: 'OPERATOR',
  type: 'jpeg',
  width: 512,
  height: 512,
};
const businessDetails = { name: 'Example Operator', website: 'https://example.com', logo: image };
const energyMix = {
  is_green_energy: false,
  energy_sources: [{ source: 'SOLAR', percentage: 40 }],
  environ_impact: [{ source: 'CARBON_DIOXIDE', amount: 372 }],
  supplier_name: 'Energy Co',
  energy_product_name: 'eco-power',
};
const geo = { latitude: '51.047599', longitude: '3.729944' };
const connector = {
  id: '1',
  standard: 'IEC_62196_T2',
  format: 'SOCKET',
  power_type: 'AC_3_PHASE',
  voltage: 230,
  amperage: 16,
  tariff_id: '11',
  terms_and_conditions: 'https://example.com/terms',
  last_updated: '2015-06-29T20:39:09Z',
};
const regularHours = { weekday: 1, period_begin: '08:00', period_end: '20:00' };
const period = { period_begin: '2015-06-21T09:00:00Z', period_end: '2015-06-21T12:00:00Z' };
const evse = {
  uid: '3256',
  evse_id: 'BE-BEC-E041503001',
  status: 'AVAILABLE',
  status_schedule: [
    { period_begin: '2015-07-01T00:00:00Z', period_end: '2015-07-02T00:00:00Z', status: 'PLANNED' },
  ],
  capabilities: ['RESERVABLE'],
  connectors: [connector],
  floor_level: '-1',
  coordinates: geo,
  physical_reference: '1',
  directions: [displayText],
  parking_restrictions: ['EV_ONLY'],
  images: [image],
  last_updated: '2015-06-29T20:39:09Z',
};
const location = {
  id: 'LOC1',
  type: 'ON_STREET',
  name: 'Gent Zuid',
  address: 'F.Rooseveltlaan 3A',
  city: 'Gent',
  postal_code: '9000',
  country: 'BEL',
  coordinates: geo,
  related_locations: [{ ...geo, name: displayText }],
  evses: [evse],
  directions: [displayText],
  operator: businessDetails,
  suboperator: businessDetails,
  owner: businessDetails,
  facilities: ['CAFE'],
  time_zone: 'Europe/Brussels',
  opening_times: { twentyfourseven: true },
  charging_when_closed: true,
  images: [image],
  energy_mix: energyMix,
  last_updated: '2015-06-29T20:39:09Z',
};
const restrictions = {
  start_time: '09:00',
  end_time: '18:00',
  start_date: '2015-12-24',
  end_date: '2015-12-27',
  min_kwh: 20,
  max_kwh: 50,
  min_power: 0,
  max_power: 20,
  min_duration: 60,
  max_duration: 3600,
  day_of_week: ['MONDAY'],
};
const priceComponent = { type: 'TIME', price: 2, step_size: 300 };
const tariffElement = { price_components: [priceComponent], restrictions };
const tariff = {
  id: '12',
  currency: 'EUR',
  tariff_alt_text: [displayText],
  tariff_alt_url: 'https://company.com/tariffs/12',
  elements: [tariffElement],
  energy_mix: energyMix,
  last_updated: '2015-06-29T20:39:09Z',
};
const chargingPeriod = {
  start_date_time: '2015-06-29T21:39:09Z',
  dimensions: [{ type: 'ENERGY', volume: 12.5 }],
};
const token = {
  uid: '012345678',
  type: 'RFID',
  auth_id: 'DE8ACC12E46L89',
  visual_number: 'DF000-2001-8999',
  issuer: 'TheNewMotion',
  valid: true,
  whitelist: 'ALLOWED',
  language: 'nl',
  last_updated: '2015-06-29T22:39:09Z',
};
const locationReferences = { location_id: 'LOC1', evse_uids: ['3256'], connector_ids: ['1'] };

interface ObjectCase {
  name: string;
  sample: Record<string, unknown>;
  required: string[];
}

const OBJECTS: ObjectCase[] = [
  { name: 'DisplayText', sample: displayText, required: ['language', 'text'] },
  { name: 'Image', sample: image, required: ['url', 'category', 'type'] },
  { name: 'BusinessDetails', sample: businessDetails, required: ['name'] },
  { name: 'EnergySource', sample: { source: 'WIND', percentage: 60 }, required: ['source', 'percentage'] },
  {
    name: 'EnvironmentalImpact',
    sample: { source: 'NUCLEAR_WASTE', amount: 0.0006 },
    required: ['source', 'amount'],
  },
  { name: 'EnergyMix', sample: energyMix, required: ['is_green_energy'] },
  {
    name: 'Credentials',
    sample: {
      token: 'ebf3b399-779f-4497-9b9d-ac6ad3cc44d2',
      url: 'https://example.com/ocpi/cpo/versions/',
      business_details: businessDetails,
      party_id: 'EXA',
      country_code: 'NL',
    },
    required: ['token', 'url', 'business_details', 'party_id', 'country_code'],
  },
  {
    name: 'Version',
    sample: { version: '2.1.1', url: 'https://example.com/ocpi/cpo/2.1.1/' },
    required: ['version', 'url'],
  },
  {
    name: 'Endpoint',
    sample: { identifier: 'tokens', url: 'https://example.com/ocpi/cpo/2.1.1/tokens/' },
    required: ['identifier', 'url'],
  },
  {
    name: 'VersionDetails',
    sample: {
      version: '2.1.1',
      endpoints: [{ identifier: 'credentials', url: 'https://example.com/ocpi/cpo/2.1.1/credentials/' }],
    },
    required: ['version', 'endpoints'],
  },
  { name: 'GeoLocation', sample: geo, required: ['latitude', 'longitude'] },
  {
    name: 'AdditionalGeoLocation',
    sample: { ...geo, name: displayText },
    required: ['latitude', 'longitude'],
  },
  { name: 'RegularHours', sample: regularHours, required: ['weekday', 'period_begin', 'period_end'] },
  { name: 'ExceptionalPeriod', sample: period, required: ['period_begin', 'period_end'] },
  {
    name: 'StatusSchedule',
    sample: { period_begin: '2015-07-01T00:00:00Z', period_end: '2015-07-02T00:00:00Z', status: 'PLANNED' },
    required: ['period_begin', 'status'],
  },
  {
    name: 'Connector',
    sample: connector,
    required: ['id', 'standard', 'format', 'power_type', 'voltage', 'amperage', 'last_updated'],
  },
  { name: 'EVSE', sample: evse, required: ['uid', 'status', 'connectors', 'last_updated'] },
  {
    name: 'Location',
    sample: location,
    required: ['id', 'type', 'address', 'city', 'postal_code', 'country', 'coordinates', 'last_updated'],
  },
  { name: 'PriceComponent', sample: priceComponent, required: ['type', 'price', 'step_size'] },
  { name: 'TariffRestrictions', sample: restrictions, required: [] },
  { name: 'TariffElement', sample: tariffElement, required: ['price_components'] },
  { name: 'Tariff', sample: tariff, required: ['id', 'currency', 'elements', 'last_updated'] },
  { name: 'CdrDimension', sample: { type: 'MAX_CURRENT', volume: 30 }, required: ['type', 'volume'] },
  { name: 'ChargingPeriod', sample: chargingPeriod, required: ['start_date_time', 'dimensions'] },
  {
    name: 'CDR',
    sample: {
      id: '12345',
      start_date_time: '2015-06-29T21:39:09Z',
      stop_date_time: '2015-06-29T23:37:32Z',
      auth_id: 'DE8ACC12E46L89',
      auth_method: 'WHITELIST',
      location,
      meter_id: 'M-1',
      currency: 'EUR',
      tariffs: [tariff],
      charging_periods: [chargingPeriod],
      total_cost: 4,
      total_energy: 15.342,
      total_time: 1.973,
      total_parking_time: 0.5,
      remark: 'stopped by driver',
      last_updated: '2015-06-29T22:01:13Z',
    },
    required: [
      'id',
      'start_date_time',
      'stop_date_time',
      'auth_id',
      'auth_method',
      'location',
      'currency',
      'charging_periods',
      'total_cost',
      'total_energy',
      'total_time',
      'last_updated',
    ],
  },
  {
    name: 'Session',
    sample: {
      id: '101',
      start_datetime: '2015-06-29T22:39:09Z',
      end_datetime: '2015-06-29T23:50:16Z',
      kwh: 41,
      auth_id: 'DE8ACC12E46L89',
      auth_method: 'AUTH_REQUEST',
      location,
      meter_id: 'M-1',
      currency: 'EUR',
      charging_periods: [chargingPeriod],
      total_cost: 8.5,
      status: 'COMPLETED',
      last_updated: '2015-06-29T23:09:10Z',
    },
    required: [
      'id',
      'start_datetime',
      'kwh',
      'auth_id',
      'auth_method',
      'location',
      'currency',
      'status',
      'last_updated',
    ],
  },
  {
    name: 'Token',
    sample: token,
    required: ['uid', 'type', 'auth_id', 'issuer', 'valid', 'whitelist', 'last_updated'],
  },
  { name: 'LocationReferences', sample: locationReferences, required: ['location_id'] },
  {
    name: 'AuthorizationInfo',
    sample: { allowed: 'ALLOWED', location: locationReferences, info: displayText },
    required: ['allowed'],
  },
  { name: 'CommandResponse', sample: { result: 'ACCEPTED' }, required: ['result'] },
  {
    name: 'ReserveNow',
    sample: {
      response_url: 'https://emsp.example.com/ocpi/emsp/2.1.1/commands/RESERVE_NOW/1234',
      token,
      expiry_date: '2015-06-29T23:39:09Z',
      reservation_id: 1234,
      location_id: 'LOC1',
      evse_uid: '3256',
    },
    required: ['response_url', 'token', 'expiry_date', 'reservation_id', 'location_id'],
  },
  {
    name: 'StartSession',
    sample: {
      response_url: 'https://emsp.example.com/ocpi/emsp/2.1.1/commands/START_SESSION/42',
      token,
      location_id: 'LOC1',
      evse_uid: '3256',
    },
    required: ['response_url', 'token', 'location_id'],
  },
  {
    name: 'StopSession',
    sample: {
      response_url: 'https://emsp.example.com/ocpi/emsp/2.1.1/commands/STOP_SESSION/43',
      session_id: '101',
    },
    required: ['response_url', 'session_id'],
  },
  {
    name: 'UnlockConnector',
    sample: {
      response_url: 'https://emsp.example.com/ocpi/emsp/2.1.1/commands/UNLOCK_CONNECTOR/44',
      location_id: 'LOC1',
      evse_uid: '3256',
      connector_id: '1',
    },
    required: ['response_url', 'location_id', 'evse_uid', 'connector_id'],
  },
];

const ENUMS: Record<string, readonly string[]> = {
  ImageCategory: ['CHARGER', 'ENTRANCE', 'LOCATION', 'NETWORK', 'OPERATOR', 'OTHER', 'OWNER'],
  EnergySourceCategory: [
    'NUCLEAR',
    'GENERAL_FOSSIL',
    'COAL',
    'GAS',
    'GENERAL_GREEN',
    'SOLAR',
    'WIND',
    'WATER',
  ],
  EnvironmentalImpactCategory: ['NUCLEAR_WASTE', 'CARBON_DIOXIDE'],
  VersionNumber: ['2.0', '2.1', '2.1.1'],
  ModuleID: ['cdrs', 'commands', 'credentials', 'locations', 'sessions', 'tariffs', 'tokens'],
  Capability: [
    'CHARGING_PROFILE_CAPABLE',
    'CREDIT_CARD_PAYABLE',
    'REMOTE_START_STOP_CAPABLE',
    'RESERVABLE',
    'RFID_READER',
    'UNLOCK_CAPABLE',
  ],
  ConnectorFormat: ['SOCKET', 'CABLE'],
  Facility: [
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
  ],
  LocationType: ['ON_STREET', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE', 'PARKING_LOT', 'OTHER', 'UNKNOWN'],
  ParkingRestriction: ['EV_ONLY', 'PLUGGED', 'DISABLED', 'CUSTOMERS', 'MOTORCYCLES'],
  PowerType: ['AC_1_PHASE', 'AC_3_PHASE', 'DC'],
  Status: [
    'AVAILABLE',
    'BLOCKED',
    'CHARGING',
    'INOPERATIVE',
    'OUTOFORDER',
    'PLANNED',
    'REMOVED',
    'RESERVED',
    'UNKNOWN',
  ],
  DayOfWeek: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'],
  TariffDimensionType: ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'],
  AuthMethod: ['AUTH_REQUEST', 'WHITELIST'],
  CdrDimensionType: ['ENERGY', 'FLAT', 'MAX_CURRENT', 'MIN_CURRENT', 'PARKING_TIME', 'TIME'],
  SessionStatus: ['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING'],
  Allowed: ['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED'],
  TokenType: ['OTHER', 'RFID'],
  WhitelistType: ['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'],
  CommandResponseType: ['NOT_SUPPORTED', 'REJECTED', 'ACCEPTED', 'TIMEOUT', 'UNKNOWN_SESSION'],
  CommandType: ['RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR'],
};
// ConnectorType is long; only checked by membership below.
const CONNECTOR_TYPES = 25;

function without(sample: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...sample };
  delete copy[key];
  return copy;
}

describe('OCPI 2.1.1 catalog', () => {
  it('holds every object, class and enum by spec name', () => {
    const expected = [...OBJECTS.map((o) => o.name), 'Hours', ...Object.keys(ENUMS), 'ConnectorType'];
    expect(Object.keys(catalog.objects).sort()).toEqual(expected.sort());
  });

  it('has PATCH shapes only for what 2.1.1 lets a sender PATCH', () => {
    expect(Object.keys(catalog.patches).sort()).toEqual(
      ['Connector', 'EVSE', 'Location', 'Session', 'Tariff', 'Token'].sort(),
    );
  });
});

describe.each(OBJECTS)('$name', ({ name, sample, required }) => {
  const schema = must(catalog.objects[name], name) as TObject;

  it('marks exactly the spec table’s `1`/`+` fields as required', () => {
    expect([...(schema.required ?? [])].sort()).toEqual([...required].sort());
  });

  it('accepts a complete valid example (and unknown extra fields)', () => {
    expect(pathsOf(schema, sample)).toEqual([]);
    expect(pathsOf(schema, { ...sample, x_vendor_field: 1 })).toEqual([]);
  });

  const keys = Object.keys(sample);
  const requiredKeys = keys.filter((k) => required.includes(k));
  const optionalKeys = keys.filter((k) => !required.includes(k));

  if (requiredKeys.length > 0) {
    it.each(requiredKeys)('rejects a missing %s at its path', (key) => {
      expect(pathsOf(schema, without(sample, key))).toContain(`/${key}`);
    });
  }
  if (optionalKeys.length > 0) {
    it.each(optionalKeys)('accepts %s absent', (key) => {
      expect(pathsOf(schema, without(sample, key))).toEqual([]);
    });
  }
});

describe('Hours (choice of regular_hours or twentyfourseven)', () => {
  const schema = must(catalog.objects.Hours, 'Hours');
  it.each([
    ['twentyfourseven only', { twentyfourseven: true }],
    ['regular_hours only', { regular_hours: [regularHours] }],
    ['both, as in the spec example', { regular_hours: [regularHours], twentyfourseven: false }],
    [
      'with exceptions',
      {
        twentyfourseven: false,
        regular_hours: [],
        exceptional_openings: [period],
        exceptional_closings: [period],
      },
    ],
  ])('accepts %s', (_label, value) => {
    expect(pathsOf(schema, value)).toEqual([]);
  });

  it.each([
    ['neither choice', {}],
    ['only exceptions', { exceptional_closings: [period] }],
  ])('rejects %s', (_label, value) => {
    expect(pathsOf(schema, value)).not.toEqual([]);
  });

  it('is reported at the opening_times path inside a Location', () => {
    expect(pathsOf(must(catalog.objects.Location, 'Location'), { ...location, opening_times: {} })).toContain(
      '/opening_times',
    );
  });
});

describe('formats and lists', () => {
  it.each([
    ['GeoLocation', { latitude: '51.0476', longitude: '3.729944' }, '/latitude'],
    ['GeoLocation', { latitude: '51.047599', longitude: '1234.729944' }, '/longitude'],
    ['RegularHours', { ...regularHours, weekday: 0 }, '/weekday'],
    ['RegularHours', { ...regularHours, weekday: 8 }, '/weekday'],
    ['RegularHours', { ...regularHours, period_end: '24:00' }, '/period_end'],
    ['TariffRestrictions', { start_time: '9:00' }, '/start_time'],
    ['Connector', { ...connector, voltage: 230.5 }, '/voltage'],
    [
      'ReserveNow',
      { ...OBJECTS.find((o) => o.name === 'ReserveNow')?.sample, reservation_id: '1234' },
      '/reservation_id',
    ],
    ['EVSE', { ...evse, connectors: [] }, '/connectors'],
    ['EVSE', { ...evse, physical_reference: 3 }, '/physical_reference'],
    ['Tariff', { ...tariff, elements: [] }, '/elements'],
    ['TariffElement', { price_components: [] }, '/price_components'],
    ['ChargingPeriod', { ...chargingPeriod, dimensions: [] }, '/dimensions'],
    ['VersionDetails', { version: '2.1.1', endpoints: [] }, '/endpoints'],
    [
      'Credentials',
      { ...OBJECTS.find((o) => o.name === 'Credentials')?.sample, party_id: 'EXAM' },
      '/party_id',
    ],
    ['DisplayText', { language: 'eng', text: 'x' }, '/language'],
    ['Token', { ...token, last_updated: 'yesterday' }, '/last_updated'],
  ])('%s rejects %j at %s', (name, value, path) => {
    expect(pathsOf(must(catalog.objects[name], name), value)).toContain(path);
  });

  it('accepts the spec’s DateTime forms with and without Z', () => {
    expect(
      pathsOf(must(catalog.objects.Token, 'Token'), { ...token, last_updated: '2015-06-29T20:39:09' }),
    ).toEqual([]);
  });
});

describe('enums (all closed in 2.1.1)', () => {
  it.each(Object.entries(ENUMS))('%s has exactly the spec values and rejects others', (name, values) => {
    const schema = must(catalog.objects[name], name);
    for (const v of values) expect(pathsOf(schema, v)).toEqual([]);
    const result = compileValidator(schema)('NOT_A_VALUE');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toContain('must be one of');
    expect((schema as { ocpiEnum?: readonly string[] }).ocpiEnum).toEqual(values);
  });

  it('ConnectorType has the 25 spec values', () => {
    const schema = must(catalog.objects.ConnectorType, 'ConnectorType') as { ocpiEnum?: readonly string[] };
    expect(schema.ocpiEnum).toHaveLength(CONNECTOR_TYPES);
    expect(schema.ocpiEnum).toContain('IEC_60309_2_single_16');
    expect(pathsOf(catalog.objects.ConnectorType as TSchema, 'TESLA_S')).toEqual([]);
    expect(pathsOf(catalog.objects.ConnectorType as TSchema, 'SAE_J3400')).not.toEqual([]);
  });

  it('2.1.1 has no CANCEL_RESERVATION command', () => {
    expect(pathsOf(must(catalog.objects.CommandType, 'CommandType'), 'CANCEL_RESERVATION')).not.toEqual([]);
  });
});

describe('PATCH shapes', () => {
  it.each(['Location', 'EVSE', 'Connector', 'Session', 'Tariff', 'Token'])(
    '%s PATCH needs no last_updated in 2.1.1 and still checks types',
    (name) => {
      const schema = must(catalog.patches[name], name);
      expect(pathsOf(schema, {})).toEqual([]);
      expect(pathsOf(schema, { last_updated: 'not a date' })).toContain('/last_updated');
    },
  );

  it('checks the fields it carries', () => {
    expect(pathsOf(must(catalog.patches.EVSE, 'EVSE'), { status: 'GONE' })).toContain('/status');
    expect(pathsOf(must(catalog.patches.Token, 'Token'), { valid: 'no' })).toContain('/valid');
  });
});
