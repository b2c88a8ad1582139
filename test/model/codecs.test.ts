import type { TSchema } from '@sinclair/typebox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogs } from '../../src/model/catalog.ts';
import {
  type CodecContextExt,
  codecs,
  commandResultFromV211,
  commandResultToV211,
  NotRepresentableError,
} from '../../src/model/codecs/index.ts';
import { parseObject, renderObject, schemaOf } from '../../src/model/objects.ts';
import { writerFor } from '../../src/model/render.ts';
import { compileValidator, describeIssues, type Validator } from '../../src/model/validate.ts';
import type { OcpiVersion } from '../../src/model/versions.ts';
import {
  blockValue,
  type ExampleFolder,
  exampleFiles,
  exampleJson,
  jsonBlocks211,
} from '../support/spec-fixtures.ts';
import { EXAMPLE_EXCEPTIONS } from './spec-example-exceptions.ts';

/*
 * Version codecs (src/model/codecs, LOSSY.md): same-version round trips of the spec examples,
 * cross-version validity, the exact 2.1.1 view of a 2.3.0 Location, and property-based round
 * trips canonical → older version → canonical.
 */

type Json = Record<string, unknown>;
type Older = '2.1.1' | '2.2.1';
const OLDER: Older[] = ['2.1.1', '2.2.1'];

/** Owner of the 2.1.1 spec examples (they are BeCharged's). */
const CPO: CodecContextExt = { countryCode: 'BE', partyId: 'BEC' };

const validators = new Map<TSchema, Validator<unknown>>();
function issues(version: OcpiVersion, name: string, value: unknown): string[] {
  const schema = schemaOf(version, name);
  let v = validators.get(schema);
  if (!v) {
    v = compileValidator(schema);
    validators.set(schema, v);
  }
  const r = v(value);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

function parse(version: OcpiVersion, name: string, json: unknown, context: CodecContextExt = CPO): Json {
  const r = parseObject(version, name, deepFreeze(structuredClone(json)), { context });
  if (!r.ok) throw new Error(`${version} ${name}: ${describeIssues(r.errors)}`);
  return r.value as Json;
}

/** Renders a deep-frozen copy, so that a codec writing into the stored object fails the test. */
function render(
  version: OcpiVersion,
  name: string,
  canonical: unknown,
  context: CodecContextExt = CPO,
): Json {
  return renderObject(version, name, deepFreeze(structuredClone(canonical)) as Json, { context });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** What the strict writer makes of a partner's JSON (the round trip's reference). */
function normalised(version: OcpiVersion, name: string, json: unknown): unknown {
  return writerFor(schemaOf(version, name))(json);
}

/** The canonical object as a 2.3.0 partner sees it (extension bags dropped). */
function as230(name: string, canonical: unknown): Json {
  return render('2.3.0', name, canonical);
}

const clone = <T>(x: T): T => structuredClone(x);

// ---------------------------------------------------------------------------------------------
// Spec examples

/** 2.1.1 ```json blocks that show a whole object; the others are listed in SKIPPED_211. */
const BLOCKS_211: {
  file: string;
  n: number;
  name: string;
  shape?: 'fragment' | 'envelope';
  list?: boolean;
}[] = [
  { file: 'credentials.md', n: 1, name: 'Credentials' },
  { file: 'version_information_endpoint.md', n: 1, name: 'Version', list: true },
  { file: 'version_information_endpoint.md', n: 2, name: 'VersionDetails' },
  { file: 'transport_and_format.md', n: 2, name: 'VersionDetails', shape: 'envelope' },
  { file: 'transport_and_format.md', n: 3, name: 'Token', shape: 'envelope' },
  { file: 'transport_and_format.md', n: 4, name: 'Token', shape: 'envelope', list: true },
  { file: 'mod_locations.md', n: 6, name: 'Location' },
  { file: 'mod_locations.md', n: 7, name: 'EnergyMix', shape: 'fragment' },
  { file: 'mod_locations.md', n: 8, name: 'EnergyMix', shape: 'fragment' },
  { file: 'mod_locations.md', n: 9, name: 'EnergyMix', shape: 'fragment' },
  { file: 'mod_locations.md', n: 10, name: 'Hours', shape: 'fragment' },
  { file: 'mod_sessions.md', n: 2, name: 'Session' },
  { file: 'mod_sessions.md', n: 3, name: 'Session' },
  { file: 'mod_cdrs.md', n: 1, name: 'CDR' },
  { file: 'mod_tariffs.md', n: 3, name: 'Tariff' },
  { file: 'mod_tariffs.md', n: 4, name: 'Tariff' },
  { file: 'mod_tariffs.md', n: 5, name: 'Tariff' },
  { file: 'mod_tariffs.md', n: 6, name: 'Tariff' },
  { file: 'mod_tariffs.md', n: 7, name: 'Tariff' },
  { file: 'mod_tokens.md', n: 1, name: 'Token' },
  { file: 'mod_tokens.md', n: 3, name: 'Token' },
];

const SKIPPED_211: Record<string, { n: number[]; why: string }[]> = {
  'transport_and_format.md': [
    { n: [1], why: 'lists version 1.9, not a 2.1.1 VersionNumber' },
    { n: [5], why: 'an error envelope without data' },
  ],
  'mod_locations.md': [
    { n: [1, 2, 3, 5], why: 'PATCH bodies (no codec)' },
    { n: [4], why: 'invalid EVSE (see v211.test.ts)' },
  ],
  'mod_sessions.md': [{ n: [1], why: 'PATCH body' }],
  'mod_tariffs.md': [
    { n: [1], why: 'Tariff without last_updated' },
    { n: [2], why: 'PATCH body' },
  ],
  'mod_tokens.md': [{ n: [2], why: 'PATCH body' }],
};

/** The 2.1.1 example values (a list block gives several). The CDR's tariff price "2.00" is repaired to 2. */
function values211(b: (typeof BLOCKS_211)[number]): unknown[] {
  const block = jsonBlocks211(b.file)[b.n - 1];
  if (!block) throw new Error(`${b.file} has no block ${b.n}`);
  const value = blockValue(
    block,
    b.shape === 'fragment' ? 'fragment' : b.shape === 'envelope' ? 'envelope' : 'body',
  );
  if (b.name === 'CDR') {
    const pc = (value as { tariffs: { elements: { price_components: Json[] }[] }[] }).tariffs[0]?.elements[0]
      ?.price_components[0];
    if (pc) pc.price = Number(pc.price);
  }
  return b.list ? (value as unknown[]) : [value];
}

/** The one value of a 2.1.1 example block listed in BLOCKS_211. */
function example211(file: string, n: number): Json {
  const b = BLOCKS_211.find((x) => x.file === file && x.n === n);
  if (!b) throw new Error(`${file} #${n} is not in BLOCKS_211`);
  return values211(b)[0] as Json;
}

type Target = { name: string; kind?: 'list' | 'envelope' | 'envelopeList'; field?: string };

/** Example files of 2.2.1 and 2.3.0 that show whole objects (PATCH bodies have no codec). */
const FILES: Record<string, Target> = {
  'versions_info_example.json': { name: 'Version', kind: 'list' },
  'version_details_example.json': { name: 'VersionDetails' },
  'version_details_example2.json': { name: 'VersionDetails' },
  'transport_and_format_version_info_example.json': { name: 'Version', kind: 'envelopeList' },
  'transport_and_format_version_details_example.json': { name: 'VersionDetails', kind: 'envelope' },
  'transport_and_format_get_token_example.json': { name: 'Token', kind: 'envelope' },
  'transport_and_format_get_token_list_example.json': { name: 'Token', kind: 'envelopeList' },
  'type_displaytext_example.json': { name: 'DisplayText' },
  'credentials_example.json': { name: 'Credentials' },
  'credentials_example2.json': { name: 'Credentials' },
  'credentials_example3.json': { name: 'Credentials' },
  'credentials_example4.json': { name: 'Credentials' },
  'location_example.json': { name: 'Location' },
  'location_example_uc2_destination_charger.json': { name: 'Location' },
  'location_example_uc3_destination_charger_not_published.json': { name: 'Location' },
  'location_example_uc4_limited_visibility.json': { name: 'Location' },
  'location_example_uc5_home_charge_point.json': { name: 'Location' },
  'location_example_parking_garage_opening_hours.json': { name: 'Location' },
  'location_energymix_example_simple.json': { name: 'EnergyMix', field: 'energy_mix' },
  'location_energymix_example_energy_provider.json': { name: 'EnergyMix', field: 'energy_mix' },
  'location_energymix_example_complete.json': { name: 'EnergyMix', field: 'energy_mix' },
  'location_hours_247_open_exception_closing.json': { name: 'Hours' },
  'location_hours_opening_hours_with_exceptional_closing.json': { name: 'Hours' },
  'location_hours_opening_hours_with_exceptional_opening.json': { name: 'Hours' },
  'location_regularhours_example.json': { name: 'Hours', field: 'opening_times' },
  'session_example_1_simple_start.json': { name: 'Session' },
  'session_example_2_short_finished.json': { name: 'Session' },
  'cdr_example.json': { name: 'CDR' },
  'token_example_1_app_user.json': { name: 'Token' },
  'token_example_2_full_rfid.json': { name: 'Token' },
  'token_put_example.json': { name: 'Token' },
};

/** Spec examples that are wrong in the spec (spec-example-exceptions.ts), repaired where a small fix does it. */
const REPAIRS: Record<string, (x: Json) => void> = {
  'tariff_put_example.json': (x) => {
    x.last_updated = '2015-06-29T20:39:09Z';
  },
  'cdr_example.json': (x) => {
    for (const t of x.tariffs as Json[]) t.tax_included ??= 'NO';
  },
};

const NOT_OBJECTS = /_patch_|^payment_|^location_put_example_add_evse\.json$/;

function targetOf(file: string): Target | undefined {
  if (FILES[file]) return FILES[file];
  if (/^tariff(restriction)?_.*\.json$/.test(file)) return { name: 'Tariff' };
  return undefined;
}

/** The objects an example file shows, after the repair it needs. */
function fileValues(folder: ExampleFolder, file: string): unknown[] {
  const t = targetOf(file);
  if (!t) throw new Error(`no target for ${file}`);
  let raw = exampleJson(folder, file) as Json;
  if (EXAMPLE_EXCEPTIONS[file]?.folders.includes(folder)) {
    const repair = REPAIRS[file];
    if (!repair) throw new Error(`${folder}/${file} is invalid and has no repair`);
    raw = clone(raw);
    repair(raw);
  }
  let value: unknown = raw;
  if (t.field) value = raw[t.field];
  if (t.kind === 'envelope' || t.kind === 'envelopeList') value = raw.data;
  return t.kind === 'list' || t.kind === 'envelopeList' ? (value as unknown[]) : [value];
}

function objectExampleFiles(folder: ExampleFolder): string[] {
  return exampleFiles(folder).filter((f) => !NOT_OBJECTS.test(f));
}

const EXAMPLE_CASES = (['2.2.1', '2.3.0'] as const).flatMap((folder) =>
  objectExampleFiles(folder).map((file) => ({ folder, file, name: targetOf(file)?.name ?? '?' })),
);

/** Canonical Locations by id, from the 2.3.0 examples, for 2.1.1 Sessions that embed one. */
const LOCATIONS = new Map(
  ['location_example.json', 'location_example_uc2_destination_charger.json'].map((f) => {
    const l = parse('2.3.0', 'Location', exampleJson('2.3.0', f));
    return [l.id as string, l];
  }),
);
const LOOKUP: CodecContextExt = { ...CPO, findLocation: (id) => LOCATIONS.get(id) };

describe('codec registry', () => {
  it('has codecs only for objects of the version, and none for the canonical version', () => {
    for (const version of OLDER) {
      for (const name of Object.keys(codecs[version]))
        expect(catalogs[version].objects[name], name).toBeDefined();
    }
    expect(codecs['2.3.0']).toEqual({});
  });

  it.each([
    ['2.1.1', ['Location', 'EVSE', 'Connector', 'Session', 'CDR', 'Tariff', 'Token', 'AuthorizationInfo']],
    ['2.1.1', ['LocationReferences', 'ReserveNow', 'StartSession', 'CommandResponse', 'Credentials']],
    ['2.1.1', ['VersionDetails', 'Endpoint', 'Hours', 'EnergyMix', 'GeoLocation', 'ChargingPeriod']],
    ['2.2.1', ['Location', 'EVSE', 'Connector', 'Session', 'CDR', 'Tariff', 'Token', 'AuthorizationInfo']],
    ['2.2.1', ['ReserveNow', 'StartSession', 'Credentials', 'CredentialsRole', 'ClientInfo', 'Price']],
  ] as const)('%s has codecs for %j', (version, names) => {
    for (const name of names) expect(codecs[version][name], name).toBeDefined();
  });
});

describe('(a) same-version round trip of the spec examples', () => {
  it('maps or skips every 2.1.1 json block', () => {
    for (const file of new Set([...BLOCKS_211.map((b) => b.file), ...Object.keys(SKIPPED_211)])) {
      const listed = [
        ...BLOCKS_211.filter((b) => b.file === file).map((b) => b.n),
        ...(SKIPPED_211[file] ?? []).flatMap((s) => s.n),
      ].sort((a, b) => a - b);
      expect(listed, file).toEqual(jsonBlocks211(file).map((_, i) => i + 1));
    }
  });

  it.each(BLOCKS_211)('2.1.1 $file #$n ($name)', (b) => {
    for (const x of values211(b)) {
      expect(issues('2.1.1', b.name, x)).toEqual([]);
      const canonical = parse('2.1.1', b.name, x);
      expect(render('2.1.1', b.name, canonical)).toEqual(normalised('2.1.1', b.name, x));
    }
  });

  it('maps every 2.2.1 and 2.3.0 example file that shows a whole object', () => {
    expect(EXAMPLE_CASES.filter((c) => c.name === '?')).toEqual([]);
  });

  it.each(EXAMPLE_CASES)('$folder $file ($name)', ({ folder, file, name }) => {
    const version = folder as OcpiVersion;
    for (const x of fileValues(folder, file)) {
      expect(issues(version, name, x)).toEqual([]);
      const canonical = parse(version, name, x);
      expect(render(version, name, canonical)).toEqual(normalised(version, name, x));
    }
  });
});

describe('(b) cross-version: rendered objects validate in the other versions', () => {
  const canonicalExamples = EXAMPLE_CASES.filter((c) => c.folder === '2.3.0');

  it.each(canonicalExamples)('2.3.0 $file → 2.1.1 and 2.2.1', ({ file, name }) => {
    for (const x of fileValues('2.3.0', file)) {
      const canonical = parse('2.3.0', name, x);
      for (const version of OLDER) {
        if (!catalogs[version].objects[name]) continue;
        const version_ = (canonical as { version?: string }).version;
        if ((name === 'Version' || name === 'VersionDetails') && !isVersionOf(version, version_)) {
          expect(() => render(version, name, canonical, LOOKUP)).toThrow(NotRepresentableError);
          continue;
        }
        expect(issues(version, name, render(version, name, canonical, LOOKUP)), version).toEqual([]);
        expect(
          issues(version, name, render(version, name, canonical, CPO)),
          `${version} without lookup`,
        ).toEqual([]);
      }
    }
  });

  it.each(BLOCKS_211)('2.1.1 $file #$n → canonical → 2.3.0 and 2.2.1', (b) => {
    for (const x of values211(b)) {
      const canonical = parse('2.1.1', b.name, x);
      expect(issues('2.3.0', b.name, as230(b.name, canonical))).toEqual([]);
      expect(issues('2.2.1', b.name, render('2.2.1', b.name, canonical))).toEqual([]);
    }
  });

  it.each(EXAMPLE_CASES.filter((c) => c.folder === '2.2.1'))(
    '2.2.1 $file → canonical → 2.1.1',
    ({ file, name }) => {
      for (const x of fileValues('2.2.1', file)) {
        const canonical = parse('2.2.1', name, x);
        if (!catalogs['2.1.1'].objects[name]) continue;
        if (
          (name === 'Version' || name === 'VersionDetails') &&
          !isVersionOf('2.1.1', canonical.version as string)
        ) {
          expect(() => render('2.1.1', name, canonical)).toThrow(NotRepresentableError);
          continue;
        }
        expect(issues('2.1.1', name, render('2.1.1', name, canonical, LOOKUP))).toEqual([]);
      }
    },
  );
});

function isVersionOf(version: Older, number: string | undefined): boolean {
  return issues(version, 'VersionNumber', number).length === 0;
}

// ---------------------------------------------------------------------------------------------
// (c) What a 2.1.1 partner gets of a 2.3.0 Location

describe('(c) a 2.3.0 Location read by a 2.1.1 partner', () => {
  /** The spec's 2.3.0 example plus one of every field and value 2.1.1 cannot express. */
  function richLocation(): Json {
    const l = clone(exampleJson('2.3.0', 'location_example.json')) as Json;
    const [evse1, evse2] = l.evses as Json[];
    Object.assign(l, {
      state: 'Oost-Vlaanderen',
      address: 'F.Rooseveltlaan 3A, entrance through the parking garage of the station',
      coordinates: { latitude: '51.0475993', longitude: '3.72994' },
      publish_allowed_to: [{ uid: '012345678', type: 'EMAID' }],
      facilities: ['PARKING_LOT', 'WIFI', 'EV_WASH'],
      help_phone: '+3212345678',
    });
    const connectors1 = evse1?.connectors as Json[];
    Object.assign(connectors1[0] as Json, {
      max_electric_power: 11000,
      tariff_ids: ['11', '14'],
      capabilities: ['ISO_15118_2_PLUG_AND_CHARGE'],
    });
    Object.assign(connectors1[1] as Json, { standard: 'SAE_J3400', power_type: 'AC_2_PHASE_SPLIT' });
    Object.assign(evse2 as Json, {
      accepted_service_providers: ['NL-TNM'],
      capabilities: ['RESERVABLE', 'PED_TERMINAL'],
      parking_restrictions: ['EV_ONLY', 'TAXIS'],
    });
    const mcs = { ...((evse2 as Json).connectors as Json[])[0], standard: 'MCS', power_type: 'DC' };
    (l.evses as Json[]).push({
      uid: '3258',
      status: 'AVAILABLE',
      connectors: [mcs],
      last_updated: l.last_updated,
    });
    return l;
  }

  const V211_LOCATION = {
    id: 'LOC1',
    type: 'PARKING_GARAGE',
    name: 'Gent Zuid',
    address: 'F.Rooseveltlaan 3A, entrance through the park',
    city: 'Gent',
    postal_code: '9000',
    country: 'BEL',
    coordinates: { latitude: '51.047599', longitude: '3.729940' },
    evses: [
      {
        uid: '3256',
        evse_id: 'BE*BEC*E041503001',
        status: 'AVAILABLE',
        capabilities: ['RESERVABLE'],
        connectors: [
          {
            id: '1',
            standard: 'IEC_62196_T2',
            format: 'CABLE',
            power_type: 'AC_3_PHASE',
            voltage: 220,
            amperage: 16,
            tariff_id: '11',
            last_updated: '2015-03-16T10:10:02Z',
          },
          {
            id: '2',
            standard: 'TESLA_S',
            format: 'SOCKET',
            power_type: 'AC_1_PHASE',
            voltage: 220,
            amperage: 16,
            tariff_id: '13',
            last_updated: '2015-03-18T08:12:01Z',
          },
        ],
        physical_reference: '1',
        floor_level: '-1',
        last_updated: '2015-06-28T08:12:01Z',
      },
      {
        uid: '3257',
        evse_id: 'BE*BEC*E041503002',
        status: 'RESERVED',
        capabilities: ['RESERVABLE'],
        connectors: [
          {
            id: '1',
            standard: 'IEC_62196_T2',
            format: 'SOCKET',
            power_type: 'AC_3_PHASE',
            voltage: 220,
            amperage: 16,
            tariff_id: '12',
            last_updated: '2015-06-29T20:39:09Z',
          },
        ],
        parking_restrictions: ['EV_ONLY'],
        physical_reference: '2',
        floor_level: '-2',
        last_updated: '2015-06-29T20:39:09Z',
      },
    ],
    facilities: ['WIFI'],
    operator: { name: 'BeCharged' },
    time_zone: 'Europe/Brussels',
    last_updated: '2015-06-29T20:39:09Z',
  };

  it('the rich example is a valid 2.3.0 Location', () => {
    expect(issues('2.3.0', 'Location', richLocation())).toEqual([]);
  });

  it('sends exactly the fields 2.1.1 has, converted', () => {
    const sent = render('2.1.1', 'Location', parse('2.3.0', 'Location', richLocation()));
    expect(sent).toEqual(V211_LOCATION);
    expect(issues('2.1.1', 'Location', sent)).toEqual([]);
  });

  it('leaves out what LOSSY.md lists, and nothing else', () => {
    const sent = render('2.1.1', 'Location', parse('2.3.0', 'Location', richLocation()));
    for (const f of ['country_code', 'party_id', 'publish', 'publish_allowed_to', 'state', 'parking_type']) {
      expect(sent, f).not.toHaveProperty(f);
    }
    expect(sent).not.toHaveProperty('parking_places');
    expect(sent).not.toHaveProperty('help_phone');
    const evses = sent.evses as Json[];
    expect(evses.map((e) => e.uid)).toEqual(['3256', '3257']); // 3258 has only an MCS connector
    for (const e of evses) {
      expect(e).not.toHaveProperty('parking');
      expect(e).not.toHaveProperty('accepted_service_providers');
      for (const c of e.connectors as Json[]) {
        for (const f of ['max_voltage', 'max_amperage', 'max_electric_power', 'tariff_ids', 'capabilities']) {
          expect(c, f).not.toHaveProperty(f);
        }
      }
    }
  });

  it('the plain 2.3.0 example differs from the 2.1.1 shape only as LOSSY.md says', () => {
    const canonical = parse('2.3.0', 'Location', exampleJson('2.3.0', 'location_example.json'));
    const sent = render('2.1.1', 'Location', canonical);
    expect(Object.keys(sent).sort()).toEqual(
      ['id', 'type', 'name', 'address', 'city', 'postal_code', 'country', 'coordinates', 'evses']
        .concat(['operator', 'time_zone', 'last_updated'])
        .sort(),
    );
    expect(sent.type).toBe('PARKING_GARAGE');
    const back = as230('Location', parse('2.1.1', 'Location', sent));
    const expected = as230('Location', canonical);
    delete expected.parking_places;
    for (const e of expected.evses as Json[]) delete e.parking;
    expect(back).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Behaviours named in LOSSY.md

describe('2.2.1 ↔ 2.3.0 conversions', () => {
  const session221 = () => clone(exampleJson('2.2.1', 'session_example_2_short_finished.json')) as Json;

  it('reads incl_vat as one VAT TaxAmount and writes it back', () => {
    const s = parse('2.2.1', 'Session', session221());
    expect(as230('Session', s).total_cost).toEqual({
      before_taxes: 8.5,
      taxes: [{ name: 'VAT', amount: 0.85 }],
    });
    expect(render('2.2.1', 'Session', s).total_cost).toEqual({ excl_vat: 8.5, incl_vat: 9.35 });
  });

  it('keeps an incl_vat that before_taxes + amount cannot give back exactly', () => {
    const x = { ...session221(), total_cost: { excl_vat: 0.1, incl_vat: 0.30000000000000004 } };
    expect(render('2.2.1', 'Session', parse('2.2.1', 'Session', x)).total_cost).toEqual(x.total_cost);
  });

  it('adds up all taxes of a canonical Price into incl_vat', () => {
    const s = parse('2.3.0', 'Session', exampleJson('2.3.0', 'session_example_2_short_finished.json'));
    s.total_cost = {
      before_taxes: 10,
      taxes: [
        { name: 'GST', amount: 0.5, percentage: 5 },
        { name: 'QST', amount: 0.9975 },
      ],
    };
    expect(render('2.2.1', 'Session', s).total_cost).toEqual({ excl_vat: 10, incl_vat: 11.4975 });
    expect(render('2.1.1', 'Session', s).total_cost).toBe(10);
  });

  it('writes tax-inclusive tariff prices without VAT where the rate is known', () => {
    const t = parse(
      '2.3.0',
      'Tariff',
      exampleJson('2.3.0', 'tariff_20_simple_north_american_inclusive.json'),
    );
    expect(render('2.2.1', 'Tariff', t).elements).toEqual([
      { price_components: [{ type: 'TIME', price: 2.1, step_size: 1 }] },
    ]);
    const pcs = ((t.elements as Json[])[0] as Json).price_components as Json[];
    (pcs[0] as Json).vat = 5;
    expect(render('2.2.1', 'Tariff', t).elements).toEqual([
      { price_components: [{ type: 'TIME', price: 2, vat: 5, step_size: 1 }] },
    ]);
    t.tax_included = 'N/A';
    expect(render('2.2.1', 'Tariff', t).elements).toEqual([
      { price_components: [{ type: 'TIME', price: 2.1, step_size: 1 }] },
    ]);
    expect(as230('Tariff', parse('2.2.1', 'Tariff', render('2.2.1', 'Tariff', t))).tax_included).toBe('NO');
  });

  it('renames PriceLimit to Price for min_price/max_price', () => {
    const t = parse('2.3.0', 'Tariff', exampleJson('2.3.0', 'tariff_6_025kwh_start_max_price.json'));
    const sent = render('2.2.1', 'Tariff', t);
    expect(sent.max_price).toEqual({ excl_vat: 10, incl_vat: 11 });
    expect(as230('Tariff', parse('2.2.1', 'Tariff', sent)).max_price).toEqual(t.max_price);
  });

  it('drops booking elements, or strips the booking restriction when nothing else is left', () => {
    const t = parse('2.3.0', 'Tariff', exampleJson('2.3.0', 'tariff_1_simple_2hour.json'));
    const element = (t.elements as Json[])[0] as Json;
    t.elements = [element, { ...element, restrictions: { booking: 'BOOKING' } }];
    expect(render('2.2.1', 'Tariff', t).elements).toEqual([element]);
    t.elements = [{ ...element, restrictions: { booking: 'BOOKING', max_kwh: 5 } }];
    expect(render('2.2.1', 'Tariff', t).elements).toEqual([{ ...element, restrictions: { max_kwh: 5 } }]);
  });

  it('reads a 2.2.1 hub (role HUB) and writes a 2.3.0 hub as a 2.2.1 hub', () => {
    const hub = {
      token: 'abc',
      url: 'https://hub.example.com/versions',
      roles: [{ role: 'HUB', party_id: 'HUB', country_code: 'NL', business_details: { name: 'The Hub' } }],
    };
    const canonical = parse('2.2.1', 'Credentials', hub);
    expect(as230('Credentials', canonical)).toEqual({
      ...hub,
      hub_party_id: 'NLHUB',
      roles: [{ ...hub.roles[0], role: 'OTHER' }],
    });
    expect(render('2.2.1', 'Credentials', canonical)).toEqual(hub);
    const canonical230 = {
      token: 'abc',
      url: 'https://hub.example.com/versions',
      hub_party_id: 'NLHUB',
      roles: [
        { role: 'CPO', party_id: 'ABC', country_code: 'DE', business_details: { name: 'A CPO' } },
        { role: 'OTHER', party_id: 'HUB', country_code: 'NL', business_details: { name: 'The Hub' } },
      ],
    };
    expect(render('2.2.1', 'Credentials', canonical230)).toEqual(hub);
    const info = {
      party_id: 'HUB',
      country_code: 'NL',
      role: 'HUB',
      status: 'CONNECTED',
      last_updated: '2024-01-01T00:00:00Z',
    };
    expect(as230('ClientInfo', parse('2.2.1', 'ClientInfo', info)).role).toBe('OTHER');
    expect(render('2.2.1', 'ClientInfo', parse('2.2.1', 'ClientInfo', info))).toEqual(info);
  });

  it('maps or leaves out connector standards 2.2.1 cannot name', () => {
    const l = parse('2.3.0', 'Location', exampleJson('2.3.0', 'location_example.json'));
    const [evse1, evse2] = l.evses as Json[];
    const connectors = (evse1 as Json).connectors as Json[];
    (connectors[0] as Json).standard = 'SAE_J3400';
    (connectors[1] as Json).standard = 'MCS';
    ((evse2 as Json).connectors as Json[]).forEach((c) => {
      c.standard = 'FUTURE_PLUG';
    });
    const sent = render('2.2.1', 'Location', l);
    expect((sent.evses as Json[]).map((e) => (e.connectors as Json[]).map((c) => c.standard))).toEqual([
      ['TESLA_S'],
    ]);
    expect(() => render('2.2.1', 'EVSE', evse2)).toThrow(NotRepresentableError);
    expect(() => render('2.2.1', 'Connector', connectors[1])).toThrow(NotRepresentableError);
    expect(render('2.2.1', 'Connector', connectors[0]).standard).toBe('TESLA_S');
  });

  it('keeps a CDR billable when its connector standard has no 2.2.1 name', () => {
    const x = clone(exampleJson('2.3.0', 'cdr_example.json')) as Json;
    REPAIRS['cdr_example.json']?.(x);
    const cdr = parse('2.3.0', 'CDR', x);
    (cdr.cdr_location as Json).connector_standard = 'MCS';
    (cdr.cdr_location as Json).connector_power_type = 'DC';
    const sent = render('2.2.1', 'CDR', cdr);
    expect((sent.cdr_location as Json).connector_standard).toBe('IEC_62196_T2_COMBO');
    expect(issues('2.2.1', 'CDR', sent)).toEqual([]);
  });

  it('writes EMAID and unknown token types as OTHER', () => {
    const t = parse('2.3.0', 'Token', exampleJson('2.3.0', 'token_example_2_full_rfid.json'));
    expect(render('2.2.1', 'Token', { ...t, type: 'EMAID' }).type).toBe('OTHER');
    expect(render('2.2.1', 'Token', { ...t, type: 'WRISTBAND' }).type).toBe('OTHER');
    expect(render('2.1.1', 'Token', { ...t, type: 'APP_USER' }).type).toBe('OTHER');
  });
});

describe('2.1.1 ↔ 2.2.1 conversions', () => {
  const location211 = () => example211('mod_locations.md', 6);
  const session211 = () => example211('mod_sessions.md', 3);

  it('takes the owner from the context, derives time_zone and publish, maps type to parking_type', () => {
    const l = as230(
      'Location',
      parse('2.1.1', 'Location', location211(), { countryCode: 'NL', partyId: 'TNM' }),
    );
    expect(l).toMatchObject({
      country_code: 'NL',
      party_id: 'TNM',
      publish: true,
      parking_type: 'ON_STREET',
    });
    expect(l.time_zone).toBe('Europe/Brussels');
    const elsewhere = {
      ...location211(),
      country: 'USA',
      coordinates: { latitude: '40.712800', longitude: '-74.006000' },
    };
    expect(as230('Location', parse('2.1.1', 'Location', elsewhere)).time_zone).toBe('America/New_York');
    expect(render('2.1.1', 'Location', parse('2.1.1', 'Location', elsewhere))).not.toHaveProperty(
      'time_zone',
    );
  });

  it.each([
    ['Madrid', 'ESP', '40.416775', '-3.703790', 'Europe/Madrid'],
    ['New York', 'USA', '40.712800', '-74.006000', 'America/New_York'],
    ['Porto (Portugal, not Madrid time)', 'PRT', '41.157944', '-8.629105', 'Europe/Lisbon'],
    ['Tenerife (Spain, Atlantic zone)', 'ESP', '28.291565', '-16.629129', 'Atlantic/Canary'],
    ["Detroit (another zone than the country's first)", 'USA', '42.331429', '-83.045753', 'America/Detroit'],
    ['a latitude out of range', 'NLD', '91.000000', '5.000000', 'UTC'],
  ])('derives the IANA zone from the coordinates: %s', (_name, country, latitude, longitude, zone) => {
    const location = { ...location211(), country, coordinates: { latitude, longitude } };
    expect(as230('Location', parse('2.1.1', 'Location', location)).time_zone).toBe(zone);
  });

  it('remembers LocationType OTHER, which has no ParkingType', () => {
    const x = { ...location211(), type: 'OTHER' };
    const canonical = parse('2.1.1', 'Location', x);
    expect(as230('Location', canonical)).not.toHaveProperty('parking_type');
    expect(render('2.1.1', 'Location', canonical).type).toBe('OTHER');
    expect(render('2.1.1', 'Location', as230('Location', canonical)).type).toBe('UNKNOWN');
  });

  it('derives twentyfourseven and leaves it out again', () => {
    const x = {
      ...location211(),
      opening_times: { regular_hours: [{ weekday: 1, period_begin: '08:00', period_end: '18:00' }] },
    };
    const canonical = parse('2.1.1', 'Location', x);
    expect((as230('Location', canonical).opening_times as Json).twentyfourseven).toBe(false);
    expect(render('2.1.1', 'Location', canonical).opening_times).toEqual(x.opening_times);
  });

  it('reads the Session token from auth_id, with the owner from the context, the eMA ID or the record', () => {
    const s = as230('Session', parse('2.1.1', 'Session', session211()));
    expect(s.cdr_token).toEqual({
      country_code: 'DE',
      party_id: '8AC',
      uid: 'DE8ACC12E46L89',
      type: 'OTHER',
      contract_id: 'DE8ACC12E46L89',
    });
    expect(s).toMatchObject({ location_id: 'LOC1', evse_uid: '3256', connector_id: '1' });
    const rfid = { ...session211(), auth_id: '012345678' };
    expect(as230('Session', parse('2.1.1', 'Session', rfid)).cdr_token).toMatchObject({
      country_code: 'BE',
      party_id: 'BEC',
    });
    const told = parse('2.1.1', 'Session', rfid, { ...CPO, emsp: { countryCode: 'NL', partyId: 'TNM' } });
    expect(as230('Session', told).cdr_token).toMatchObject({ country_code: 'NL', party_id: 'TNM' });
  });

  it('embeds the looked-up Location, reduced to the session EVSE and connector', () => {
    const s = parse('2.3.0', 'Session', exampleJson('2.3.0', 'session_example_2_short_finished.json'));
    const location = render('2.1.1', 'Session', s, LOOKUP).location as Json;
    expect(location.id).toBe('LOC1');
    expect((location.evses as Json[]).map((e) => [e.uid, (e.connectors as Json[]).map((c) => c.id)])).toEqual(
      [['3256', ['1']]],
    );
    expect(issues('2.1.1', 'Location', location)).toEqual([]);
  });

  it('builds the 2.1.1 CDR location from cdr_location when there is no lookup', () => {
    const x = clone(exampleJson('2.3.0', 'cdr_example.json')) as Json;
    REPAIRS['cdr_example.json']?.(x);
    const cdr = parse('2.3.0', 'CDR', x);
    const sent = render('2.1.1', 'CDR', cdr);
    expect(sent.location).toMatchObject({ id: 'LOC1', type: 'UNKNOWN', address: 'F.Rooseveltlaan 3A' });
    expect(sent).toMatchObject({
      auth_id: 'DE8ACC12E46L89',
      total_cost: 4,
      stop_date_time: cdr.end_date_time,
    });
  });

  it('keeps FLAT dimensions aside and gives them back', () => {
    const x = session211();
    x.charging_periods = [
      { start_date_time: '2015-06-29T21:39:09Z', dimensions: [{ type: 'FLAT', volume: 1 }] },
      {
        start_date_time: '2015-06-29T21:40:09Z',
        dimensions: [
          { type: 'ENERGY', volume: 2 },
          { type: 'FLAT', volume: 1 },
        ],
      },
    ];
    const canonical = parse('2.1.1', 'Session', x);
    expect(as230('Session', canonical).charging_periods).toEqual([
      { start_date_time: '2015-06-29T21:39:09Z', dimensions: [{ type: 'TIME', volume: 0 }] },
      { start_date_time: '2015-06-29T21:40:09Z', dimensions: [{ type: 'ENERGY', volume: 2 }] },
    ]);
    expect(render('2.1.1', 'Session', canonical).charging_periods).toEqual(x.charging_periods);
  });

  it('drops dimensions 2.1.1 lacks, and builds a CDR period from the totals when none is left', () => {
    const x = clone(exampleJson('2.3.0', 'cdr_example.json')) as Json;
    REPAIRS['cdr_example.json']?.(x);
    const cdr = parse('2.3.0', 'CDR', x);
    cdr.charging_periods = [
      { start_date_time: cdr.start_date_time, dimensions: [{ type: 'STATE_OF_CHARGE', volume: 80 }] },
    ];
    expect(render('2.1.1', 'CDR', cdr).charging_periods).toEqual([
      {
        start_date_time: cdr.start_date_time,
        dimensions: [
          { type: 'ENERGY', volume: cdr.total_energy },
          { type: 'TIME', volume: cdr.total_time },
        ],
      },
    ]);
  });

  it('converts reservation ids between int and string', () => {
    const token = example211('mod_tokens.md', 1);
    const x = {
      response_url: 'https://emsp.example.com/commands/RESERVE_NOW/1',
      token,
      expiry_date: '2015-06-29T22:39:09Z',
      reservation_id: 42,
      location_id: 'LOC1',
    };
    const canonical = parse('2.1.1', 'ReserveNow', x);
    expect(as230('ReserveNow', canonical).reservation_id).toBe('42');
    expect(issues('2.3.0', 'ReserveNow', as230('ReserveNow', canonical))).toEqual([]);
    expect(render('2.1.1', 'ReserveNow', canonical)).toEqual(x);
    const uuid = { ...canonical, reservation_id: '9a3c1a0e-3b5e-4c8b-9f0e-000000000001' };
    const id = render('2.1.1', 'ReserveNow', uuid).reservation_id;
    expect(Number.isSafeInteger(id) && (id as number) >= 0).toBe(true);
    expect(render('2.1.1', 'ReserveNow', uuid).reservation_id).toBe(id);
  });

  it('reads a 2.1.1 TIMEOUT CommandResponse, and converts async results', () => {
    const canonical = parse('2.1.1', 'CommandResponse', { result: 'TIMEOUT' });
    expect(as230('CommandResponse', canonical)).toEqual({ result: 'REJECTED', timeout: 60 });
    expect(render('2.1.1', 'CommandResponse', canonical)).toEqual({ result: 'TIMEOUT' });
    expect(render('2.1.1', 'CommandResponse', { result: 'ACCEPTED', timeout: 30, message: [] })).toEqual({
      result: 'ACCEPTED',
    });
    expect(commandResultToV211({ result: 'EVSE_OCCUPIED' })).toEqual({ result: 'REJECTED' });
    expect(commandResultToV211({ result: 'TIMEOUT' })).toEqual({ result: 'TIMEOUT' });
    expect(commandResultFromV211({ result: 'UNKNOWN_SESSION' })).toEqual({ result: 'FAILED' });
  });

  it('keeps connector_ids of LocationReferences and takes the AuthorizationInfo token from the context', () => {
    const token = parse('2.3.0', 'Token', exampleJson('2.3.0', 'token_example_2_full_rfid.json'));
    const x = {
      allowed: 'ALLOWED',
      location: { location_id: 'LOC1', evse_uids: ['3256'], connector_ids: ['1'] },
    };
    const canonical = parse('2.1.1', 'AuthorizationInfo', x, { ...CPO, token });
    expect(issues('2.3.0', 'AuthorizationInfo', as230('AuthorizationInfo', canonical))).toEqual([]);
    expect(render('2.1.1', 'AuthorizationInfo', canonical)).toEqual(x);
  });

  it('reads Credentials with the role from the context and writes the role that matches it', () => {
    const x = example211('credentials.md', 1);
    const canonical = parse('2.1.1', 'Credentials', x, { role: 'EMSP' });
    expect((as230('Credentials', canonical).roles as Json[])[0]).toMatchObject({ role: 'EMSP' });
    const two = {
      ...canonical,
      roles: [
        { role: 'CPO', party_id: 'AAA', country_code: 'NL', business_details: { name: 'A' } },
        ...(canonical.roles as Json[]),
      ],
    };
    expect(render('2.1.1', 'Credentials', two, { role: 'EMSP' })).toEqual(x);
  });

  it('derives endpoint roles from the party role and keeps one endpoint per module', () => {
    const details = {
      version: '2.1.1',
      endpoints: [{ identifier: 'tokens', url: 'https://x.example.com/tokens' }],
    };
    const asCpo = as230('VersionDetails', parse('2.1.1', 'VersionDetails', details, { role: 'CPO' }));
    expect((asCpo.endpoints as Json[])[0]?.role).toBe('RECEIVER');
    const asEmsp = as230('VersionDetails', parse('2.1.1', 'VersionDetails', details, { role: 'EMSP' }));
    expect((asEmsp.endpoints as Json[])[0]?.role).toBe('SENDER');
    const both = {
      version: '2.1.1',
      endpoints: [
        { identifier: 'locations', role: 'RECEIVER', url: 'https://x.example.com/emsp/locations' },
        { identifier: 'locations', role: 'SENDER', url: 'https://x.example.com/cpo/locations' },
        { identifier: 'hubclientinfo', role: 'RECEIVER', url: 'https://x.example.com/hci' },
      ],
    };
    expect(render('2.1.1', 'VersionDetails', both, { role: 'CPO' })).toEqual({
      version: '2.1.1',
      endpoints: [{ identifier: 'locations', url: 'https://x.example.com/cpo/locations' }],
    });
    expect(() => render('2.1.1', 'VersionDetails', { ...both, version: '2.2.1' })).toThrow(
      NotRepresentableError,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (d) Properties: canonical → older version → canonical loses exactly what LOSSY.md lists

function enumValues(name: string): string[] {
  return [
    ...((catalogs['2.3.0'].objects[name] as unknown as { ocpiEnum: readonly string[] }).ocpiEnum ?? []),
  ];
}

/** A value of a 2.3.0 enum; for an OpenEnum, also one no version knows. */
function oneOf(name: string): fc.Arbitrary<string> {
  const open = (catalogs['2.3.0'].objects[name] as { ocpiOpenEnum?: boolean }).ocpiOpenEnum === true;
  return fc.constantFrom(...enumValues(name), ...(open ? [`FUTURE_${name.toUpperCase()}`] : []));
}

/** Whether an older version knows an enum value (open enums know every value). */
function knows(version: Older, name: string, value: unknown): boolean {
  return issues(version, name, value).length === 0;
}

const ALNUM = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-'];
const ident = (max: number) => fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: max });
const text = (max: number) => fc.string({ maxLength: max });
const digits = (n: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const dateTime = fc
  .date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().replace('.000Z', 'Z'));
const localDate = dateTime.map((d) => d.slice(0, 10));
const timeOfDay = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const url = ident(20).map((p) => `https://example.com/${p}`);
const amount = fc.integer({ min: 0, max: 100000 }).map((n) => n / 1000);
const degrees = (max: number, length: number) =>
  fc
    .tuple(fc.boolean(), fc.integer({ min: 0, max }), fc.integer({ min: 5, max: 7 }).chain(digits))
    .map(([neg, i, d]) => `${neg ? '-' : ''}${i}.${d}`)
    .filter((s) => s.length <= length);
const geo = fc.record({ latitude: degrees(89, 10), longitude: degrees(179, 11) });
const displayText = fc.record({ language: fc.constantFrom('en', 'nl', 'fr'), text: text(30) });
const image = fc.record(
  {
    url,
    thumbnail: url,
    category: oneOf('ImageCategory'),
    type: fc.constantFrom('jpeg', 'png'),
    width: fc.integer({ min: 1, max: 4000 }),
    height: fc.integer({ min: 1, max: 4000 }),
  },
  { requiredKeys: ['url', 'category', 'type'] },
);
const businessDetails = fc.record({ name: text(40), website: url, logo: image }, { requiredKeys: ['name'] });
const energyMix = fc.record(
  {
    is_green_energy: fc.boolean(),
    energy_sources: fc.array(fc.record({ source: oneOf('EnergySourceCategory'), percentage: amount }), {
      maxLength: 2,
    }),
    environ_impact: fc.array(fc.record({ category: oneOf('EnvironmentalImpactCategory'), amount }), {
      maxLength: 3,
    }),
    supplier_name: text(64),
    energy_product_name: text(64),
  },
  { requiredKeys: ['is_green_energy'] },
);
const period = fc.record({ period_begin: dateTime, period_end: dateTime });
const hours = fc.record(
  {
    twentyfourseven: fc.boolean(),
    regular_hours: fc.array(
      fc.record({ weekday: fc.integer({ min: 1, max: 7 }), period_begin: timeOfDay, period_end: timeOfDay }),
      { maxLength: 3 },
    ),
    exceptional_openings: fc.array(period, { maxLength: 2 }),
    exceptional_closings: fc.array(period, { maxLength: 2 }),
  },
  { requiredKeys: ['twentyfourseven'] },
);
const connector = fc.record(
  {
    id: ident(36),
    standard: fc.constantFrom(...enumValues('ConnectorType'), 'FUTURE_PLUG'),
    format: oneOf('ConnectorFormat'),
    power_type: oneOf('PowerType'),
    max_voltage: fc.integer({ min: 100, max: 1000 }),
    max_amperage: fc.integer({ min: 6, max: 500 }),
    max_electric_power: fc.integer({ min: 1000, max: 350000 }),
    tariff_ids: fc.array(ident(36), { maxLength: 3 }),
    terms_and_conditions: url,
    capabilities: fc.array(oneOf('ConnectorCapability'), { maxLength: 2 }),
    last_updated: dateTime,
  },
  { requiredKeys: ['id', 'standard', 'format', 'power_type', 'max_voltage', 'max_amperage', 'last_updated'] },
);
const evse = fc.record(
  {
    uid: ident(36),
    evse_id: ident(48),
    status: oneOf('Status'),
    status_schedule: fc.array(
      fc.record(
        { period_begin: dateTime, period_end: dateTime, status: oneOf('Status') },
        {
          requiredKeys: ['period_begin', 'status'],
        },
      ),
      { maxLength: 2 },
    ),
    capabilities: fc.array(oneOf('Capability'), { maxLength: 4 }),
    connectors: fc.array(connector, { minLength: 1, maxLength: 3 }),
    floor_level: text(4),
    coordinates: geo,
    physical_reference: text(16),
    directions: fc.array(displayText, { maxLength: 2 }),
    parking_restrictions: fc.array(oneOf('ParkingRestriction'), { maxLength: 3 }),
    images: fc.array(image, { maxLength: 2 }),
    parking: fc.array(
      fc.record(
        { parking_id: ident(36), evse_position: oneOf('EVSEPosition') },
        { requiredKeys: ['parking_id'] },
      ),
      {
        maxLength: 2,
      },
    ),
    accepted_service_providers: fc.array(text(50), { maxLength: 2 }),
    last_updated: dateTime,
  },
  { requiredKeys: ['uid', 'status', 'connectors', 'last_updated'] },
);
const parkingPlace = fc.record({
  id: ident(36),
  vehicle_types: fc.array(oneOf('VehicleType'), { minLength: 1, maxLength: 2 }),
  restricted_to_type: fc.boolean(),
  reservation_required: fc.boolean(),
});
const location = fc.record(
  {
    country_code: fc.constantFrom('BE', 'NL', 'DE'),
    party_id: ident(3).filter((s) => s.length === 3),
    id: ident(36),
    publish: fc.boolean(),
    publish_allowed_to: fc.array(
      fc.record(
        {
          uid: ident(36),
          type: oneOf('TokenType'),
          visual_number: text(64),
          issuer: text(64),
          group_id: ident(36),
        },
        {
          requiredKeys: [],
        },
      ),
      { maxLength: 2 },
    ),
    name: text(60),
    address: text(80),
    city: text(45),
    postal_code: text(10),
    state: text(45),
    country: fc.constantFrom('BEL', 'NLD', 'DEU', 'USA'),
    coordinates: geo,
    related_locations: fc.array(
      fc.record(
        { latitude: degrees(89, 10), longitude: degrees(179, 11), name: displayText },
        {
          requiredKeys: ['latitude', 'longitude'],
        },
      ),
      { maxLength: 2 },
    ),
    parking_type: oneOf('ParkingType'),
    evses: fc.array(evse, { maxLength: 3 }),
    directions: fc.array(displayText, { maxLength: 2 }),
    operator: businessDetails,
    suboperator: businessDetails,
    owner: businessDetails,
    facilities: fc.array(oneOf('Facility'), { maxLength: 4 }),
    time_zone: fc.constantFrom('Europe/Brussels', 'America/New_York'),
    opening_times: hours,
    charging_when_closed: fc.boolean(),
    images: fc.array(image, { maxLength: 2 }),
    energy_mix: energyMix,
    parking_places: fc.array(parkingPlace, { maxLength: 2 }),
    help_phone: fc.constantFrom('+3212345678', '0800-123'),
    last_updated: dateTime,
  },
  {
    requiredKeys: [
      'country_code',
      'party_id',
      'id',
      'publish',
      'address',
      'city',
      'country',
      'coordinates',
    ].concat(['time_zone', 'last_updated']) as never[],
  },
);
const token = fc.record(
  {
    country_code: fc.constantFrom('NL', 'DE'),
    party_id: ident(3).filter((s) => s.length === 3),
    uid: ident(36),
    type: oneOf('TokenType'),
    contract_id: ident(36),
    visual_number: text(64),
    issuer: text(64),
    group_id: ident(36),
    valid: fc.boolean(),
    whitelist: oneOf('WhitelistType'),
    language: fc.constantFrom('en', 'nl'),
    default_profile_type: oneOf('ProfileType'),
    energy_contract: fc.record(
      { supplier_name: text(64), contract_id: text(64) },
      { requiredKeys: ['supplier_name'] },
    ),
    last_updated: dateTime,
  },
  {
    requiredKeys: [
      'country_code',
      'party_id',
      'uid',
      'type',
      'contract_id',
      'issuer',
      'valid',
      'whitelist',
      'last_updated',
    ],
  },
);
const restrictions = fc.record(
  {
    start_time: timeOfDay,
    end_time: timeOfDay,
    start_date: localDate,
    end_date: localDate,
    min_kwh: amount,
    max_kwh: amount,
    min_current: amount,
    max_current: amount,
    min_power: amount,
    max_power: amount,
    min_duration: fc.integer({ min: 0, max: 86400 }),
    max_duration: fc.integer({ min: 0, max: 86400 }),
    day_of_week: fc.array(oneOf('DayOfWeek'), { maxLength: 3 }),
    reservation: oneOf('ReservationRestrictionType'),
    booking: oneOf('BookingRestrictionType'),
  },
  { requiredKeys: [] },
);
const priceLimit = fc.record(
  { before_taxes: amount, after_taxes: amount },
  { requiredKeys: ['before_taxes'] },
);
const tariff = fc.record(
  {
    country_code: fc.constantFrom('BE', 'CA'),
    party_id: ident(3).filter((s) => s.length === 3),
    id: ident(36),
    currency: fc.constantFrom('EUR', 'CAD'),
    type: oneOf('TariffType'),
    tariff_alt_text: fc.array(displayText, { maxLength: 2 }),
    tariff_alt_url: url,
    min_price: priceLimit,
    max_price: priceLimit,
    elements: fc.array(
      fc.record(
        {
          price_components: fc.array(
            fc.record(
              {
                type: oneOf('TariffDimensionType'),
                price: amount,
                vat: fc.constantFrom(0, 5.5, 10, 21),
                step_size: fc.integer({ min: 1, max: 3600 }),
              },
              { requiredKeys: ['type', 'price', 'step_size'] },
            ),
            { minLength: 1, maxLength: 3 },
          ),
          restrictions,
        },
        { requiredKeys: ['price_components'] },
      ),
      { minLength: 1, maxLength: 4 },
    ),
    start_date_time: dateTime,
    end_date_time: dateTime,
    energy_mix: energyMix,
    tax_included: oneOf('TaxIncluded'),
    preauthorize_amount: amount,
    last_updated: dateTime,
  },
  {
    requiredKeys: ['country_code', 'party_id', 'id', 'currency', 'elements', 'tax_included', 'last_updated'],
  },
);
const price = fc.record(
  {
    before_taxes: amount,
    taxes: fc.array(
      fc.record(
        { name: fc.constantFrom('VAT', 'GST', 'QST'), account_number: text(10), percentage: amount, amount },
        { requiredKeys: ['name', 'amount'] },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: ['before_taxes'] },
);
const session = fc.record(
  {
    country_code: fc.constantFrom('BE', 'NL'),
    party_id: ident(3).filter((s) => s.length === 3),
    id: ident(36),
    start_date_time: dateTime,
    end_date_time: dateTime,
    kwh: amount,
    cdr_token: fc.record({
      country_code: fc.constantFrom('NL', 'DE'),
      party_id: ident(3).filter((s) => s.length === 3),
      uid: ident(36),
      type: oneOf('TokenType'),
      contract_id: ident(36),
    }),
    auth_method: oneOf('AuthMethod'),
    authorization_reference: ident(36),
    location_id: ident(36),
    evse_uid: ident(36),
    connector_id: ident(36),
    meter_id: text(40),
    currency: fc.constantFrom('EUR', 'USD'),
    charging_periods: fc.array(
      fc.record(
        {
          start_date_time: dateTime,
          dimensions: fc.array(fc.record({ type: oneOf('CdrDimensionType'), volume: amount }), {
            minLength: 1,
            maxLength: 3,
          }),
          tariff_id: ident(36),
        },
        { requiredKeys: ['start_date_time', 'dimensions'] },
      ),
      { maxLength: 3 },
    ),
    total_cost: price,
    status: oneOf('SessionStatus'),
    last_updated: dateTime,
  },
  {
    requiredKeys: [
      'country_code',
      'party_id',
      'id',
      'start_date_time',
      'kwh',
      'cdr_token',
      'auth_method',
    ].concat(['location_id', 'evse_uid', 'connector_id', 'currency', 'status', 'last_updated']) as never[],
  },
);

// --- The documented losses, as functions of the canonical object (LOSSY.md)

const money = (x: number) => Math.round(x * 1e8) / 1e8;

function sixDecimals(s: string): string {
  const [int, dec = ''] = s.split('.');
  if (dec.length === 6) return s;
  return dec.length < 6 ? `${int}.${dec.padEnd(6, '0')}` : Number(s).toFixed(6);
}

function keepKnown(version: Older, name: string, list: unknown): unknown {
  return Array.isArray(list) ? list.filter((v) => knows(version, name, v)) : list;
}

function set(o: Json, key: string, value: unknown): void {
  if (value === undefined) delete o[key];
  else o[key] = value;
}

/** A canonical enum value as it comes back through an older version. */
function through(version: Older, name: string, value: unknown): unknown {
  if (knows(version, name, value)) return value;
  const fallback: Record<string, string> = {
    SAE_J3400: 'TESLA_S',
    AC_2_PHASE: 'AC_1_PHASE',
    AC_2_PHASE_SPLIT: 'AC_1_PHASE',
    RESERVATION: 'PENDING',
    COMMAND: 'AUTH_REQUEST',
  };
  const f = fallback[value as string];
  if (f && knows(version, name, f)) return f;
  if (name === 'TokenType' || name === 'ImageCategory') return 'OTHER';
  return undefined;
}

function lossyImage(version: Older, img: Json): void {
  img.category = through(version, 'ImageCategory', img.category);
}

function lossyBusiness(version: Older, b: unknown): void {
  if (b && (b as Json).logo) lossyImage(version, (b as Json).logo as Json);
}

function lossyEnergyMix(version: Older, mix: unknown): void {
  const m = mix as Json | undefined;
  if (m?.environ_impact) {
    m.environ_impact = (m.environ_impact as Json[]).filter((e) =>
      knows(version, 'EnvironmentalImpactCategory', e.category),
    );
  }
}

function lossyLocation(version: Older, l: Json): Json {
  delete l.parking_places;
  delete l.help_phone;
  const parkingTypes211 = ['ON_STREET', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE', 'PARKING_LOT'];
  const keepsParkingType =
    version === '2.1.1'
      ? parkingTypes211.includes(l.parking_type as string)
      : knows(version, 'ParkingType', l.parking_type);
  set(l, 'parking_type', keepsParkingType ? l.parking_type : undefined);
  set(l, 'facilities', keepKnown(version, 'Facility', l.facilities));
  for (const p of (l.publish_allowed_to as Json[] | undefined) ?? [])
    set(p, 'type', p.type && through(version, 'TokenType', p.type));
  for (const img of (l.images as Json[] | undefined) ?? []) lossyImage(version, img);
  for (const b of [l.operator, l.suboperator, l.owner]) lossyBusiness(version, b);
  lossyEnergyMix(version, l.energy_mix);
  if (version === '2.1.1') {
    delete l.state;
    delete l.publish_allowed_to;
    l.publish = true;
    l.address = (l.address as string).slice(0, 45);
    l.postal_code ??= '';
    const c = l.coordinates as Json;
    l.coordinates = {
      latitude: sixDecimals(c.latitude as string),
      longitude: sixDecimals(c.longitude as string),
    };
    for (const r of (l.related_locations as Json[] | undefined) ?? []) {
      r.latitude = sixDecimals(r.latitude as string);
      r.longitude = sixDecimals(r.longitude as string);
    }
  }
  if (l.evses) {
    l.evses = (l.evses as Json[]).flatMap((e) => {
      delete e.parking;
      delete e.accepted_service_providers;
      set(e, 'capabilities', keepKnown(version, 'Capability', e.capabilities));
      set(e, 'parking_restrictions', keepKnown(version, 'ParkingRestriction', e.parking_restrictions));
      for (const img of (e.images as Json[] | undefined) ?? []) lossyImage(version, img);
      if (version === '2.1.1' && e.coordinates) {
        const c = e.coordinates as Json;
        e.coordinates = {
          latitude: sixDecimals(c.latitude as string),
          longitude: sixDecimals(c.longitude as string),
        };
      }
      e.connectors = (e.connectors as Json[]).flatMap((c) => {
        delete c.capabilities;
        c.standard = through(version, 'ConnectorType', c.standard);
        if (c.standard === undefined) return [];
        if (version === '2.1.1') {
          c.power_type = through(version, 'PowerType', c.power_type);
          delete c.max_electric_power;
          const ids = c.tariff_ids as string[] | undefined;
          set(c, 'tariff_ids', ids?.length ? [ids[0]] : undefined);
        }
        return [c];
      });
      return (e.connectors as Json[]).length > 0 ? [e] : [];
    });
  }
  return l;
}

function lossyToken(version: Older, t: Json): Json {
  t.type = through(version, 'TokenType', t.type);
  if (version === '2.1.1')
    for (const f of ['group_id', 'default_profile_type', 'energy_contract']) delete t[f];
  return t;
}

function lossyTariff(version: Older, t: Json): Json {
  delete t.preauthorize_amount;
  const strip = (fields: string[]) => {
    const elements = t.elements as Json[];
    const kept = elements.filter(
      (e) => !fields.some((f) => (e.restrictions as Json | undefined)?.[f] !== undefined),
    );
    t.elements = kept.length > 0 ? kept : elements;
    for (const e of t.elements as Json[])
      if (e.restrictions) for (const f of fields) delete (e.restrictions as Json)[f];
  };
  strip(['booking']);
  for (const e of t.elements as Json[]) {
    for (const pc of e.price_components as Json[]) {
      if (t.tax_included === 'N/A') delete pc.vat;
      if (t.tax_included === 'YES' && typeof pc.vat === 'number') {
        pc.price = Math.round(((pc.price as number) / (1 + pc.vat / 100)) * 1e6) / 1e6;
      }
    }
  }
  t.tax_included = 'NO';
  lossyEnergyMix(version, t.energy_mix);
  if (version === '2.1.1') {
    for (const f of ['type', 'min_price', 'max_price', 'start_date_time', 'end_date_time']) delete t[f];
    strip(['min_current', 'max_current', 'reservation']);
    for (const e of t.elements as Json[]) for (const pc of e.price_components as Json[]) delete pc.vat;
  }
  return t;
}

function lossySession(version: Older, s: Json): Json {
  const token = s.cdr_token as Json;
  token.type = through(version, 'TokenType', token.type);
  const cost = s.total_cost as Json | undefined;
  if (cost?.taxes) {
    const incl = money(
      (cost.before_taxes as number) + (cost.taxes as Json[]).reduce((a, x) => a + (x.amount as number), 0),
    );
    cost.taxes = [{ name: 'VAT', amount: money(incl - (cost.before_taxes as number)) }];
  }
  if (s.charging_periods) {
    s.charging_periods = (s.charging_periods as Json[]).flatMap((p) => {
      p.dimensions = (p.dimensions as Json[]).filter((d) => knows(version, 'CdrDimensionType', d.type));
      if (version === '2.1.1') delete p.tariff_id;
      return (p.dimensions as Json[]).length > 0 ? [p] : [];
    });
  }
  if (version === '2.1.1') {
    s.cdr_token = { ...token, uid: token.contract_id, type: 'OTHER' };
    delete s.authorization_reference;
    if (cost) s.total_cost = { before_taxes: cost.before_taxes };
    s.status = through(version, 'SessionStatus', s.status);
    s.auth_method = through(version, 'AuthMethod', s.auth_method);
  }
  return s;
}

interface PropertyCase {
  name: string;
  arbitrary: fc.Arbitrary<Json>;
  lossy: (version: Older, canonical: Json) => Json;
  context: (canonical: Json) => CodecContextExt;
}

const owner = (c: Json): CodecContextExt => ({
  countryCode: c.country_code as string,
  partyId: c.party_id as string,
});

const PROPERTY_CASES: PropertyCase[] = [
  { name: 'Location', arbitrary: location, lossy: lossyLocation, context: owner },
  { name: 'Token', arbitrary: token, lossy: lossyToken, context: owner },
  { name: 'Tariff', arbitrary: tariff, lossy: lossyTariff, context: owner },
  {
    name: 'Session',
    arbitrary: session,
    lossy: lossySession,
    context: (s) => {
      const t = s.cdr_token as Json;
      return { ...owner(s), emsp: { countryCode: t.country_code as string, partyId: t.party_id as string } };
    },
  },
];

describe('(d) property: canonical → older version → canonical', () => {
  describe.each(PROPERTY_CASES)('$name', ({ name, arbitrary, lossy, context }) => {
    it('the arbitrary makes valid 2.3.0 objects', () => {
      fc.assert(
        fc.property(arbitrary, (x) => {
          expect(issues('2.3.0', name, x)).toEqual([]);
        }),
        { numRuns: 200 },
      );
    });

    it.each(OLDER)('through %s: valid there, and back equal minus the documented losses', (version) => {
      fc.assert(
        fc.property(arbitrary, (x) => {
          const canonical = parse('2.3.0', name, x);
          const ctx = context(canonical);
          const sent = render(version, name, canonical, ctx);
          expect(issues(version, name, sent)).toEqual([]);
          const back = as230(name, parse(version, name, sent, ctx));
          expect(back).toEqual(as230(name, lossy(version, clone(as230(name, canonical)))));
          expect(issues('2.3.0', name, back)).toEqual([]);
        }),
        { numRuns: 200 },
      );
    });

    it.each(OLDER)('same-version round trip through %s is lossless', (version) => {
      fc.assert(
        fc.property(arbitrary, (x) => {
          const ctx = context(x);
          const sent = render(version, name, parse('2.3.0', name, x), ctx);
          expect(render(version, name, parse(version, name, sent, ctx), ctx)).toEqual(sent);
        }),
        { numRuns: 100 },
      );
    });
  });
});

describe('(d) property: 2.1.1-only Location features survive a 2.1.1 round trip', () => {
  const locationTypes = (catalogs['2.1.1'].objects.LocationType as unknown as { ocpiEnum: string[] })
    .ocpiEnum;

  it('type, a missing time_zone and Hours without twentyfourseven', () => {
    fc.assert(
      fc.property(
        location,
        fc.constantFrom(...locationTypes),
        fc.boolean(),
        fc.boolean(),
        (x, type, noZone, noFlag) => {
          const ctx = owner(x);
          const sent = render('2.1.1', 'Location', parse('2.3.0', 'Location', x), ctx);
          sent.type = type;
          if (noZone) delete sent.time_zone;
          const hours = sent.opening_times as Json | undefined;
          if (noFlag && hours?.regular_hours) delete hours.twentyfourseven;
          expect(issues('2.1.1', 'Location', sent)).toEqual([]);
          const canonical = parse('2.1.1', 'Location', sent, ctx);
          expect(issues('2.3.0', 'Location', as230('Location', canonical))).toEqual([]);
          expect(render('2.1.1', 'Location', canonical, ctx)).toEqual(sent);
        },
      ),
      { numRuns: 200 },
    );
  });
});
