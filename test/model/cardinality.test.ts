import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { catalogs } from '../../src/model/catalog.ts';
import type { VersionCatalog } from '../../src/model/catalog-types.ts';
import { SUPPORTED_VERSIONS } from '../../src/model/versions.ts';
import {
  loadBookingsPackageAdditions,
  loadSpecTables,
  type SpecEnumTable,
  type SpecModule,
  type SpecObjectTable,
  type SpecProperty,
  type SpecTables,
} from '../support/spec-fixtures.ts';

/*
 * Our schemas against the spec's own tables: every property of every object/class table with
 * the right cardinality (1 = required, ? = optional, * = optional array, + = required
 * non-empty array), every enum with the listed values, open iff the spec says _OpenEnum_.
 */

/** Modules whose every object, class and enum must be in the catalog. */
const CATALOG_MODULES: ReadonlySet<SpecModule> = new Set<SpecModule>([
  'types',
  'credentials',
  'versions',
  'locations',
  'sessions',
  'cdrs',
  'tariffs',
  'tokens',
  'commands',
  'chargingprofiles',
  'hubclientinfo',
  'payments',
  'bookings',
]);

/**
 * Table rows the parser cannot read cleanly because of the spec's markup. Each entry is
 * `file: problem`; the test fails if the list and the parser's findings differ.
 */
const KNOWN_ANOMALIES: Record<string, string[]> = {
  '2.1.1': [],
  '2.2.1': [
    // The last row of both tables ends with a stray `|`, which opens an empty fifth cell.
    // The rows themselves read correctly (fixed in 2.3.0).
    '2.2.1/mod_commands.asciidoc: 17 cells do not fill rows of 4 columns',
    '2.2.1/mod_commands.asciidoc: 13 cells do not fill rows of 4 columns',
  ],
  '2.3.0': [],
};

/**
 * Enums whose heading says `_enum_` but whose text allows values outside the table: the
 * schema may be open or closed. Key: `version/Name`.
 */
const OPENNESS_EITHER_WAY: Record<string, string> = {
  '2.1.1/ModuleID': 'version_information_endpoint.md (custom modules): the list may be extended by agreement',
  '2.2.1/ModuleID':
    'version_information_endpoint.asciidoc (custom modules): custom ModuleIDs may be used by agreement',
};

/**
 * Type cells naming a type the chapter never defines under that name. Key:
 * `version/Object.property`, value: the type meant.
 */
const TYPE_ALIASES: Record<string, string> = {
  // mod_bookings.asciidoc: BookingRequest.tokens says "BookingTokens"; the class is BookingToken.
  '2.3.0/BookingRequest.tokens': 'BookingToken',
  // mod_bookings.asciidoc: Calendar.available_timeslots says "TimeSlot"; the class is Timeslot.
  '2.3.0/Calendar.available_timeslots': 'Timeslot',
};

/**
 * Schema properties that deliberately go beyond the spec table. Key: `version/Object.property`,
 * value: the reason. (None so far.)
 */
const EXTRA_PROPERTIES: Record<string, string> = {};

/**
 * The Bookings package (2.3.0) adds optional hooks to core objects (CDR.booking_id,
 * TariffRestrictions.booking, CdrDimensionType values, the BookingRestrictionType enum). A
 * 2.3.0 schema may carry them; where it does they must match the package's tables.
 */
const BOOKINGS_ADDITIONS = loadBookingsPackageAdditions();

function packageProperties(version: string, name: string): SpecProperty[] {
  return version === '2.3.0' ? (BOOKINGS_ADDITIONS.properties[name] ?? []) : [];
}

type Schema = TSchema & {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  allOf?: Schema[];
  minItems?: number;
  maxLength?: number;
  minLength?: number;
  const?: unknown;
  enum?: unknown[];
  ocpiEnum?: readonly string[];
  ocpiOpenEnum?: boolean;
  ocpiType?: string;
};

/** Drops `null` from a union (a nullable optional field is still the same field). */
function nonNull(schema: Schema): Schema {
  if (!schema.anyOf) return schema;
  const rest = schema.anyOf.filter((s) => s.type !== 'null');
  if (rest.length === schema.anyOf.length) return schema;
  return rest.length === 1 && rest[0] ? rest[0] : { ...schema, anyOf: rest };
}

/** The object shapes of a schema: itself, or each member of a union of objects. */
function objectVariants(schema: Schema): Schema[] {
  const s = nonNull(schema);
  if (s.type === 'object' && s.properties) return [s];
  if (s.anyOf) return s.anyOf.flatMap(objectVariants);
  return [];
}

function enumInfo(schema: Schema): { values: string[]; open: boolean } | undefined {
  const s = nonNull(schema);
  if (Array.isArray(s.ocpiEnum)) return { values: [...s.ocpiEnum], open: s.ocpiOpenEnum === true };
  if (s.anyOf?.length && s.anyOf.every((m) => typeof m.const === 'string')) {
    return { values: s.anyOf.map((m) => String(m.const)), open: false };
  }
  if (Array.isArray(s.enum)) return { values: s.enum.map(String), open: false };
  return undefined;
}

const isArray = (s: Schema) => nonNull(s).type === 'array';

function checkCardinality(version: string, spec: SpecObjectTable, schema: Schema): string[] {
  const variants = objectVariants(schema);
  if (variants.length === 0) return [`${spec.name} is not an object schema`];
  const problems: string[] = [];
  const extras = packageProperties(version, spec.name);
  for (const p of [...spec.properties, ...extras]) {
    const where = `${spec.name}.${p.property} (${p.cardinality}, ${spec.file}:${p.line})`;
    const holders = variants.filter((v) => v.properties?.[p.property]);
    const prop = holders[0]?.properties?.[p.property];
    if (!prop) {
      if (!extras.includes(p)) problems.push(`${where}: missing in schema`);
      continue;
    }
    const required =
      holders.length === variants.length && holders.every((v) => v.required?.includes(p.property));
    const mustRequire = p.cardinality === '1' || p.cardinality === '+';
    // 2.1.1 Hours: regular_hours and twentyfourseven are "Choice: one of two"; the card. column
    // of a choice member says what holds when that member is the one chosen, so neither can be
    // required on its own. A union whose every branch requires its member is fine too.
    if (p.choiceGroup) {
      if (required) problems.push(`${where}: choice member must not be required in every shape`);
    } else if (required !== mustRequire) {
      problems.push(`${where}: ${mustRequire ? 'must be required' : 'must be optional'}`);
    }
    const mustArray = p.cardinality === '*' || p.cardinality === '+';
    if (isArray(prop) !== mustArray) {
      problems.push(`${where}: ${mustArray ? 'must be an array' : 'must not be an array'}`);
    } else if (mustArray) {
      const minItems = nonNull(prop).minItems ?? 0;
      if (p.cardinality === '+' && minItems < 1) problems.push(`${where}: needs minItems 1`);
      if (p.cardinality === '*' && minItems > 0) problems.push(`${where}: an empty list must be accepted`);
    }
  }
  const specNames = new Set([...spec.properties, ...extras].map((p) => p.property));
  for (const v of variants) {
    for (const name of Object.keys(v.properties ?? {})) {
      if (!specNames.has(name) && !EXTRA_PROPERTIES[`${version}/${spec.name}.${name}`]) {
        problems.push(
          `${spec.name}.${name}: in the schema but not in the spec table (${spec.file}:${spec.line})`,
        );
      }
    }
  }
  return [...new Set(problems)];
}

function checkEnum(version: string, spec: SpecEnumTable, schema: Schema): string[] {
  const where = `${spec.name} (${spec.file}:${spec.line})`;
  const info = enumInfo(schema);
  if (!info) return [`${where}: not an enum schema`];
  const problems: string[] = [];
  const added = version === '2.3.0' ? (BOOKINGS_ADDITIONS.enumValues[spec.name] ?? []) : [];
  const missing = spec.values.filter((v) => !info.values.includes(v));
  const extra = info.values.filter((v) => !spec.values.includes(v) && !added.includes(v));
  if (missing.length) problems.push(`${where}: missing values ${missing.join(', ')}`);
  if (extra.length) problems.push(`${where}: values not in the spec ${extra.join(', ')}`);
  const core = info.values.filter((v) => spec.values.includes(v));
  if (!missing.length && !extra.length && core.join() !== spec.values.join()) {
    problems.push(`${where}: values not in spec order (spec: ${spec.values.join(', ')})`);
  }
  if (info.open !== spec.open && !OPENNESS_EITHER_WAY[`${version}/${spec.name}`]) {
    problems.push(`${where}: must be ${spec.open ? 'an OpenEnum' : 'a closed enum'}`);
  }
  return problems;
}

/** The property's type against the Type column (items for lists). */
function checkType(
  version: string,
  tables: SpecTables,
  catalog: VersionCatalog,
  spec: SpecObjectTable,
  p: SpecProperty,
  schema: Schema,
): string | undefined {
  const where = `${spec.name}.${p.property} (${p.type}, ${spec.file}:${p.line})`;
  let s = nonNull(schema);
  if (s.type === 'array' && s.items) s = nonNull(s.items);
  const typeName = TYPE_ALIASES[`${version}/${spec.name}.${p.property}`] ?? p.type;
  // string(n), CiString(n), and the bracket forms CiString[n] / CiString[min..max].
  const str = /^(CiString|string|String)(?:\((\d+)\)|\[(?:(\d+)\.\.)?(\d+)\])?$/.exec(typeName);
  if (str) {
    if (s.type !== 'string') return `${where}: must be a string`;
    const n = str[2] ?? str[4];
    if (n && s.maxLength !== Number(n)) return `${where}: maxLength must be ${n} (is ${s.maxLength})`;
    const min = str[3];
    if (min && (s.minLength ?? 0) !== Number(min))
      return `${where}: minLength must be ${min} (is ${s.minLength})`;
    const ci = str[1] === 'CiString';
    if (ci !== (s.ocpiType === 'CiString')) return `${where}: must ${ci ? '' : 'not '}be a CiString`;
    return undefined;
  }
  if (typeName === 'DateTime' || typeName === 'URL') {
    return s.type === 'string' && s.ocpiType === typeName ? undefined : `${where}: must be a ${typeName}`;
  }
  if (typeName === 'boolean') return s.type === 'boolean' ? undefined : `${where}: must be a boolean`;
  if (/^int(\(\d+\))?$/.test(typeName))
    return s.type === 'integer' ? undefined : `${where}: must be an integer`;
  if (typeName === 'number') return s.type === 'number' ? undefined : `${where}: must be a number`;
  const en = tables.enums[typeName] ?? (version === '2.3.0' ? BOOKINGS_ADDITIONS.enums[typeName] : undefined);
  if (en) {
    const info = enumInfo(s);
    if (!info) return `${where}: must be the ${typeName} enum`;
    const own = enumInfo((catalog.objects[typeName] ?? {}) as Schema) ?? { values: en.values, open: en.open };
    if ([...info.values].sort().join() !== [...own.values].sort().join()) {
      return `${where}: values differ from the ${typeName} enum`;
    }
    return info.open === own.open ? undefined : `${where}: openness differs from the ${typeName} enum`;
  }
  const cls = tables.objects[typeName];
  if (cls) {
    // Same property names as the class's own table (a copy defined inline must not drift).
    const variants = objectVariants(s);
    if (variants.length === 0) return `${where}: must be a ${typeName} object`;
    const have = new Set(variants.flatMap((v) => Object.keys(v.properties ?? {})));
    const want = [...cls.properties, ...packageProperties(version, typeName)].map((x) => x.property);
    const missing = cls.properties.map((x) => x.property).filter((x) => !have.has(x));
    const extra = [...have].filter((x) => !want.includes(x));
    if (missing.length || extra.length) {
      return `${where}: not the ${typeName} shape (missing: ${missing.join(', ') || '-'}; extra: ${extra.join(', ') || '-'})`;
    }
    return undefined;
  }
  return `${where}: the spec type "${p.type}" is not known to this test`;
}

const TABLES = Object.fromEntries(SUPPORTED_VERSIONS.map((v) => [v, loadSpecTables(v)]));

describe.each(SUPPORTED_VERSIONS)('OCPI %s spec tables', (version) => {
  const tables = TABLES[version] as SpecTables;
  const catalog = catalogs[version];

  it('parses every data table of the spec (only the known markup defects)', () => {
    const found = tables.anomalies.map((a) => `${a.file}: ${a.problem}`);
    expect(found).toEqual(KNOWN_ANOMALIES[version]);
    // A sanity floor: a broken parser would find almost nothing.
    expect(Object.keys(tables.objects).length).toBeGreaterThan(30);
    expect(Object.keys(tables.enums).length).toBeGreaterThan(20);
  });

  it('keeps its exception lists honest (each entry still matches the spec)', () => {
    const stale: string[] = [];
    for (const key of Object.keys(TYPE_ALIASES).filter((k) => k.startsWith(`${version}/`))) {
      const [obj = '', prop = ''] = key.slice(version.length + 1).split('.');
      const p = tables.objects[obj]?.properties.find((x) => x.property === prop);
      if (!p || tables.objects[p.type] || tables.enums[p.type]) stale.push(key);
    }
    for (const key of Object.keys(OPENNESS_EITHER_WAY).filter((k) => k.startsWith(`${version}/`))) {
      if (tables.enums[key.slice(version.length + 1)]?.open !== false) stale.push(key);
    }
    for (const key of Object.keys(EXTRA_PROPERTIES).filter((k) => k.startsWith(`${version}/`))) {
      const [obj = '', prop = ''] = key.slice(version.length + 1).split('.');
      const spec = tables.objects[obj];
      if (!spec || spec.properties.some((x) => x.property === prop)) stale.push(key);
    }
    expect(stale).toEqual([]);
  });

  it('has every object, class and enum of the spec in the catalog', () => {
    const expected = [...Object.values(tables.objects), ...Object.values(tables.enums)].filter((d) =>
      CATALOG_MODULES.has(d.module),
    );
    const missing = expected
      .filter((d) => !catalog.objects[d.name])
      .map((d) => `${d.module}: ${d.name} (${d.file}:${d.line})`);
    expect(missing).toEqual([]);
  });

  describe('cardinality of object and class properties', () => {
    for (const spec of Object.values(tables.objects)) {
      const schema = catalog.objects[spec.name] as Schema | undefined;
      it.skipIf(!schema)(spec.name, () => {
        expect(checkCardinality(version, spec, schema as Schema)).toEqual([]);
      });
    }
  });

  describe('property types', () => {
    for (const spec of Object.values(tables.objects)) {
      const schema = catalog.objects[spec.name] as Schema | undefined;
      it.skipIf(!schema)(spec.name, () => {
        const variants = objectVariants(schema as Schema);
        const problems: string[] = [];
        for (const p of [...spec.properties, ...packageProperties(version, spec.name)]) {
          const prop = variants.find((v) => v.properties?.[p.property])?.properties?.[p.property];
          if (!prop) continue; // reported by the cardinality test (package hooks are optional)
          const problem = checkType(version, tables, catalog, spec, p, prop);
          if (problem) problems.push(problem);
        }
        expect(problems).toEqual([]);
      });
    }
  });

  describe('enum values', () => {
    const packageEnums = version === '2.3.0' ? Object.values(BOOKINGS_ADDITIONS.enums) : [];
    for (const spec of [...Object.values(tables.enums), ...packageEnums]) {
      const schema = catalog.objects[spec.name] as Schema | undefined;
      it.skipIf(!schema)(spec.name, () => {
        expect(checkEnum(version, spec, schema as Schema)).toEqual([]);
      });
    }
  });
});
