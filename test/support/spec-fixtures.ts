import { readdirSync, readFileSync } from 'node:fs';
import type { OcpiVersion } from '../../src/model/versions.ts';

/*
 * What the tests know of the OCPI specification, read from test/fixtures/spec/ (never from the
 * spec sources themselves: a clone runs the suite alone). The fixtures are made by
 * `npm run spec:fixtures -- <path to ocpi-spec>` (scripts/spec-fixtures/); see
 * test/fixtures/spec/NOTICE.md for their source and licence.
 */

export const SPEC_FIXTURES = new URL('../fixtures/spec/', import.meta.url);

const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, SPEC_FIXTURES), 'utf8'));

/** The example file folders: `2.2.1`, `2.3.0`, `2.3.0-ed2-payments`, `2.3.0-bookings`. */
export type ExampleFolder = '2.2.1' | '2.3.0' | '2.3.0-ed2-payments' | '2.3.0-bookings';
export const EXAMPLE_FOLDERS: readonly ExampleFolder[] = [
  '2.2.1',
  '2.3.0',
  '2.3.0-ed2-payments',
  '2.3.0-bookings',
];

/** The names of a folder's example files, sorted. */
export function exampleFiles(folder: ExampleFolder): string[] {
  return readdirSync(new URL(`${folder}/examples/`, SPEC_FIXTURES))
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** An example file of a spec folder, parsed. */
export function exampleJson(folder: ExampleFolder, file: string): unknown {
  return readJson(`${folder}/examples/${file}`);
}

/** The raw text of an example file (byte-identical to the spec's). */
export function exampleText(folder: ExampleFolder, file: string): string {
  return readFileSync(new URL(`${folder}/examples/${file}`, SPEC_FIXTURES), 'utf8');
}

/** A ```json block of a 2.1.1 chapter (2.1.1 has no examples folder). */
export interface JsonBlock {
  /** The last heading above the block. */
  heading: string;
  text: string;
}

let blocks211: Record<string, JsonBlock[]> | undefined;

/** Chapter file name (e.g. `mod_locations.md`) → its ```json blocks, in order. */
export function jsonBlocks211All(): Record<string, JsonBlock[]> {
  blocks211 ??= readJson('2.1.1/json-blocks.json') as Record<string, JsonBlock[]>;
  return blocks211;
}

/** Every ```json block of a 2.1.1 chapter, in order. */
export function jsonBlocks211(chapter: string): JsonBlock[] {
  const blocks = jsonBlocks211All()[chapter];
  if (!blocks) throw new Error(`no 2.1.1 chapter ${chapter} in the spec fixtures`);
  return blocks;
}

/**
 * The value of a block: `body` is plain JSON after an optional "PUT To URL" line; `fragment` is
 * a `"name": {...}` property, whose value is taken; `envelope` is a response whose `data` is taken.
 */
export function blockValue(block: JsonBlock, shape: 'body' | 'fragment' | 'envelope' = 'body'): unknown {
  if (shape === 'fragment') return Object.values(JSON.parse(`{${block.text}}`) as Record<string, unknown>)[0];
  const lines = block.text.split('\n');
  const start = lines.findIndex((l) => /^\s*[[{]/.test(l));
  const parsed: unknown = JSON.parse(lines.slice(start).join('\n'));
  return shape === 'envelope' ? (parsed as { data?: unknown }).data : parsed;
}

/** The data-definition tables of a version (objects, classes, enums) as the spec writes them. */
export function loadSpecTables(version: OcpiVersion): SpecTables {
  return readJson(`tables/${version}.json`) as SpecTables;
}

/** What the 2.3.0 Bookings package adds to the core chapters it ships. */
export function loadBookingsPackageAdditions(): PackageAdditions {
  return readJson('tables/2.3.0-bookings-additions.json') as PackageAdditions;
}

export type Cardinality = '1' | '?' | '*' | '+';

/** Module a spec file belongs to (`types` = shared types, `transport` = transport and format). */
export type SpecModule =
  | 'types'
  | 'transport'
  | 'credentials'
  | 'versions'
  | 'locations'
  | 'sessions'
  | 'cdrs'
  | 'tariffs'
  | 'tokens'
  | 'commands'
  | 'chargingprofiles'
  | 'hubclientinfo'
  | 'payments'
  | 'bookings';

export interface SpecProperty {
  property: string;
  cardinality: Cardinality;
  /** The Type cell with links reduced to their text, e.g. `CiString(36)`, `DisplayText`. */
  type: string;
  /** Set on 2.1.1 rows marked `> name` under a `Choice: one of two` row. */
  choiceGroup?: string;
  line: number;
}

export interface SpecObjectTable {
  name: string;
  kind: 'object' | 'class';
  module: SpecModule;
  /** Path relative to the spec root, e.g. `2.2.1/mod_locations.asciidoc`. */
  file: string;
  line: number;
  heading: string;
  properties: SpecProperty[];
}

export interface SpecEnumTable {
  name: string;
  open: boolean;
  module: SpecModule;
  file: string;
  line: number;
  heading: string;
  values: string[];
}

/** A recognised data table whose rows or heading could not be read as a definition. */
export interface SpecAnomaly {
  file: string;
  line: number;
  heading: string;
  problem: string;
}

export interface SpecTables {
  version: OcpiVersion;
  objects: Record<string, SpecObjectTable>;
  enums: Record<string, SpecEnumTable>;
  anomalies: SpecAnomaly[];
}

/**
 * What the Bookings package adds to the core chapters it ships (hooks into CDRs and Tariffs):
 * properties, enum values and whole enums/classes that its core chapters have and the 2.3.0
 * folder does not. Differences in what both have (the package predates the errata) are not
 * additions.
 */
export interface PackageAdditions {
  /** Object name → properties the package adds to it. */
  properties: Record<string, SpecProperty[]>;
  /** Enum name → values the package adds to it. */
  enumValues: Record<string, string[]>;
  objects: Record<string, SpecObjectTable>;
  enums: Record<string, SpecEnumTable>;
}
