import { readFileSync } from 'node:fs';
import type { OcpiVersion } from '../../src/model/versions.ts';
import type {
  Cardinality,
  PackageAdditions,
  SpecModule,
  SpecObjectTable,
  SpecProperty,
  SpecTables,
} from '../../test/support/spec-fixtures.ts';

/**
 * Reads the data-definition tables of the OCPI specification sources (asciidoc for 2.2.1 and
 * 2.3.0, markdown for 2.1.1): every object/class property table (`Property | Type | Card. |
 * Description`) and every enum value table under an `enum` / `OpenEnum` heading. Run by
 * main.ts, which writes the result as test fixtures: the tests compare these tables with our
 * TypeBox schemas without reading the spec.
 */

interface SourceFile {
  path: string;
  module: SpecModule;
}

function files(folder: string, list: [string, SpecModule][]): SourceFile[] {
  return list.map(([name, module]) => ({ path: `${folder}/${name}`, module }));
}

const ADOC_CORE: [string, SpecModule][] = [
  ['types.asciidoc', 'types'],
  ['transport_and_format.asciidoc', 'transport'],
  ['version_information_endpoint.asciidoc', 'versions'],
  ['credentials.asciidoc', 'credentials'],
  ['mod_locations.asciidoc', 'locations'],
  ['mod_sessions.asciidoc', 'sessions'],
  ['mod_cdrs.asciidoc', 'cdrs'],
  ['mod_tariffs.asciidoc', 'tariffs'],
  ['mod_tokens.asciidoc', 'tokens'],
  ['mod_commands.asciidoc', 'commands'],
  ['mod_charging_profiles.asciidoc', 'chargingprofiles'],
  ['mod_hub_client_info.asciidoc', 'hubclientinfo'],
];

/**
 * The chapters that define data per version. Changelog, terminology, status codes and the
 * like define no objects and are not read. 2.3.0 takes Payments from the ed2 package (the file
 * is identical to the edition 1 one) and Bookings from the Bookings package; the other chapters
 * of those packages are not read (Bookings' core chapters predate the errata).
 */
const SPEC_SOURCES: Record<OcpiVersion, SourceFile[]> = {
  '2.1.1': files('2.1.1', [
    ['types.md', 'types'],
    ['transport_and_format.md', 'transport'],
    ['version_information_endpoint.md', 'versions'],
    ['credentials.md', 'credentials'],
    ['mod_locations.md', 'locations'],
    ['mod_sessions.md', 'sessions'],
    ['mod_cdrs.md', 'cdrs'],
    ['mod_tariffs.md', 'tariffs'],
    ['mod_tokens.md', 'tokens'],
    ['mod_commands.md', 'commands'],
  ]),
  '2.2.1': files('2.2.1', ADOC_CORE),
  '2.3.0': [
    ...files('2.3.0', ADOC_CORE),
    ...files('2.3.0-ed2-payments', [['mod_payments.asciidoc', 'payments']]),
    ...files('2.3.0-bookings', [['mod_bookings.asciidoc', 'bookings']]),
  ],
};

/**
 * Headings that do not carry the defined name themselves. Key: `<file name>#<heading text>`.
 * A string maps the table to that spec name; `null` marks a table that is not a catalog object,
 * with the reason in the comment.
 */
const HEADING_OVERRIDES: Record<string, string | null> = {
  // The version details endpoint describes its payload under a bare "Data" heading; the rest
  // of the spec (and the ed2 changelog) calls that object VersionDetails.
  'version_information_endpoint.asciidoc#Data': 'VersionDetails',
  'version_information_endpoint.md#Data': 'VersionDetails',
  // The response envelope (data, status_code, status_message, timestamp): transport, not a
  // module object; it is checked by the transport tests.
  'transport_and_format.asciidoc#Response format': null,
  'transport_and_format.md#Response format': null,
};

interface Heading {
  text: string;
  line: number;
}

type Parsed =
  | { kind: 'object' | 'class' | 'enum' | 'openEnum'; name: string }
  | { kind: 'unnamed'; reason: string }
  | { kind: 'ignored' };

/** Reads the defined name from a section heading such as `==== _EVSE_ Object` or `### 4.2 Capability *enum*`. */
function parseHeading(fileName: string, heading: string): Parsed {
  const override = HEADING_OVERRIDES[`${fileName}#${heading}`];
  if (override === null) return { kind: 'ignored' };
  if (override !== undefined) return { kind: 'object', name: override };
  let text = heading.replace(/^\d+(\.\d+)*\.?\s+/, '').trim();
  let kind: 'object' | 'class' | 'enum' | 'openEnum';
  const suffix = /\s+([_*])(class|enum|OpenEnum)\1$/.exec(text);
  if (suffix) {
    kind = suffix[2] === 'class' ? 'class' : suffix[2] === 'enum' ? 'enum' : 'openEnum';
    text = text.slice(0, suffix.index);
  } else if (/\s+[Oo]bject$/.test(text)) {
    kind = 'object';
    text = text.replace(/\s+[Oo]bject$/, '');
  } else {
    return { kind: 'unnamed', reason: `heading "${heading}" names no object, class or enum` };
  }
  const name = text.replace(/[_*]/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
    return { kind: 'unnamed', reason: `cannot read a name from heading "${heading}"` };
  }
  return { kind, name };
}

/** Reduces asciidoc/markdown inline markup of a cell to its text. */
function cleanCell(raw: string): string {
  return raw
    .replace(/\[\[[^\]]*\]\]/g, '') // asciidoc anchors
    .replace(/<<[^,>]*,([^>]*)>>/g, '$1') // <<ref,Text>>
    .replace(/<<([^>]*)>>/g, '$1') // <<ref>>
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // markdown [Text](link)
    .replace(/[ \t]\+[ \t]*\n/g, ' ') // asciidoc hard line break (` +` at the end of a line)
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

interface RawTable {
  heading: Heading | undefined;
  line: number;
  header: string[];
  rows: { cells: string[]; line: number }[];
  error?: string;
}

/** Asciidoc cell style prefix written just before a `|` (e.g. `a|`, `2+|`). */
const CELL_SPEC = /(^|\s)(\d+\+|\d*\+?[adehlmsv])$/;

function splitAsciidocCells(lines: { text: string; line: number }[]): { text: string; line: number }[] {
  const cells: { text: string; line: number }[] = [];
  let current: { text: string; line: number } | undefined;
  for (const { text, line } of lines) {
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '\\' && text[i + 1] === '|') {
        if (current) current.text += '|';
        i += 2;
        continue;
      }
      if (ch === '|') {
        if (current) {
          current.text = current.text.replace(CELL_SPEC, '$1');
          cells.push(current);
        }
        current = { text: '', line };
        i += 1;
        continue;
      }
      if (current) current.text += ch;
      i += 1;
    }
    if (current) current.text += '\n';
  }
  if (current) cells.push(current);
  return cells;
}

function columnCount(attr: string | undefined): number | undefined {
  const m = attr ? /cols="([^"]*)"/.exec(attr) : null;
  if (!m?.[1]) return undefined;
  let n = 0;
  for (const part of m[1].split(',')) {
    const rep = /^(\d+)\*/.exec(part.trim());
    n += rep ? Number(rep[1]) : 1;
  }
  return n;
}

function readAsciidocTables(source: string): RawTable[] {
  const lines = source.split(/\r?\n/);
  const tables: RawTable[] = [];
  let heading: Heading | undefined;
  let attr: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const h = /^={2,6}\s+(.*\S)\s*$/.exec(text);
    if (h?.[1]) {
      heading = { text: h[1], line: i + 1 };
      continue;
    }
    if (text.startsWith('[') && text.includes('cols=')) {
      attr = text;
      continue;
    }
    if (!/^\|===\s*$/.test(text)) {
      if (text.trim() !== '') attr = undefined;
      continue;
    }
    const start = i + 1;
    const body: { text: string; line: number }[] = [];
    for (i = i + 1; i < lines.length && !/^\|===\s*$/.test(lines[i] ?? ''); i++) {
      const l = lines[i] ?? '';
      if (l.startsWith('//')) continue;
      body.push({ text: l, line: i + 1 });
    }
    const firstRow = body.find((b) => b.text.trim() !== '');
    const ncols = columnCount(attr) ?? (firstRow ? splitAsciidocCells([firstRow]).length : 0);
    attr = undefined;
    const cells = splitAsciidocCells(body).map((c) => ({ text: cleanCell(c.text), line: c.line }));
    const table: RawTable = { heading, line: start, header: [], rows: [] };
    if (ncols === 0 || cells.length % ncols !== 0) {
      table.error = `${cells.length} cells do not fill rows of ${ncols} columns`;
    }
    table.header = cells.slice(0, ncols).map((c) => c.text);
    for (let c = ncols; c + ncols <= cells.length; c += ncols) {
      const row = cells.slice(c, c + ncols);
      table.rows.push({ cells: row.map((x) => x.text), line: row[0]?.line ?? start });
    }
    tables.push(table);
  }
  return tables;
}

function splitMarkdownRow(text: string): string[] {
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && text[i + 1] === '|') {
      cur += '|';
      i += 1;
    } else if (ch === '|') {
      cells.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  cells.push(cur);
  // A row is written `| a | b |`: drop the empty text before the first and after the last pipe.
  if (cells[0]?.trim() === '') cells.shift();
  if (cells.length > 0 && cells[cells.length - 1]?.trim() === '') cells.pop();
  return cells;
}

function readMarkdownTables(source: string): RawTable[] {
  const lines = source.split(/\r?\n/);
  const tables: RawTable[] = [];
  let heading: Heading | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const h = /^#{1,6}\s+(.*\S)\s*$/.exec(text);
    if (h?.[1]) {
      heading = { text: h[1], line: i + 1 };
      continue;
    }
    if (!text.startsWith('|')) continue;
    const table: RawTable = { heading, line: i + 1, header: [], rows: [] };
    table.header = splitMarkdownRow(text).map(cleanCell);
    i += 1;
    if (!/^\|[\s|:-]+$/.test((lines[i] ?? '').trim())) {
      table.error = 'header row is not followed by a separator row';
    }
    for (i = i + 1; i < lines.length && (lines[i] ?? '').startsWith('|'); i++) {
      table.rows.push({ cells: splitMarkdownRow(lines[i] ?? '').map(cleanCell), line: i + 1 });
    }
    i -= 1;
    tables.push(table);
  }
  return tables;
}

const norm = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

function isPropertyTable(header: string[]): boolean {
  const h = header.map(norm);
  return (
    h.length === 4 &&
    (h[0] === 'property' || h[0] === 'field name') &&
    (h[1] === 'type' || h[1] === 'field type') &&
    h[2] === 'card.'
  );
}

/** Enum value tables: `Value | Description` (plus extra columns), `Module | ModuleID | Remark`. */
function enumValueColumn(header: string[]): number | undefined {
  const h = header.map(norm);
  const moduleId = h.indexOf('moduleid');
  if (moduleId >= 0) return moduleId;
  if (h[0] === 'value') return 0;
  // 2.1.1 SessionStatus heads its value column "Property".
  if (h[0] === 'property' && h[1] === 'description' && h.length === 2) return 0;
  return undefined;
}

const PROPERTY_NAME = /^[a-z][a-z0-9_]*$/;
const CARDINALITIES = new Set(['1', '?', '*', '+']);

/** Parses the data tables of one version. */
export function parseSpecTables(root: URL, version: OcpiVersion): SpecTables {
  return parseSources(root, version, SPEC_SOURCES[version]);
}

/**
 * What the Bookings package adds to the core chapters it ships (hooks into CDRs and Tariffs):
 * properties, enum values and whole enums/classes that its core chapters have and the 2.3.0
 * folder does not. Differences in what both have (the package predates the errata) are not
 * additions.
 */

export function parseBookingsPackageAdditions(root: URL): PackageAdditions {
  const core = parseSpecTables(root, '2.3.0');
  const pkg = parseSources(root, '2.3.0', files('2.3.0-bookings', ADOC_CORE));
  const additions: PackageAdditions = { properties: {}, enumValues: {}, objects: {}, enums: {} };
  for (const [name, table] of Object.entries(pkg.objects)) {
    const base = core.objects[name];
    if (!base) {
      additions.objects[name] = table;
      continue;
    }
    const known = new Set(base.properties.map((p) => p.property));
    const added = table.properties.filter((p) => !known.has(p.property));
    if (added.length) additions.properties[name] = added;
  }
  for (const [name, table] of Object.entries(pkg.enums)) {
    const base = core.enums[name];
    if (!base) {
      additions.enums[name] = table;
      continue;
    }
    const added = table.values.filter((v) => !base.values.includes(v));
    if (added.length) additions.enumValues[name] = added;
  }
  return additions;
}

function parseSources(root: URL, version: OcpiVersion, sources: SourceFile[]): SpecTables {
  const result: SpecTables = { version, objects: {}, enums: {}, anomalies: [] };
  for (const source of sources) {
    const fileName = source.path.slice(source.path.lastIndexOf('/') + 1);
    const text = readFileSync(new URL(source.path, root), 'utf8');
    const tables = source.path.endsWith('.md') ? readMarkdownTables(text) : readAsciidocTables(text);
    for (const table of tables) {
      const headingText = table.heading?.text ?? '';
      const anomaly = (problem: string, line = table.line) =>
        result.anomalies.push({ file: source.path, line, heading: headingText, problem });
      const property = isPropertyTable(table.header);
      const parsed = parseHeading(fileName, headingText);
      const valueCol =
        parsed.kind === 'enum' || parsed.kind === 'openEnum' ? enumValueColumn(table.header) : undefined;
      if (!property && valueCol === undefined) continue; // interface, parameter, example tables
      if (table.error) anomaly(table.error);
      if (parsed.kind === 'ignored') continue;
      if (parsed.kind === 'unnamed') {
        anomaly(parsed.reason);
        continue;
      }
      if (property) {
        if (parsed.kind === 'enum' || parsed.kind === 'openEnum') {
          anomaly(`property table under enum heading`);
          continue;
        }
        if (result.objects[parsed.name]) {
          anomaly(`second property table for ${parsed.name}`);
          continue;
        }
        const def: SpecObjectTable = {
          name: parsed.name,
          kind: parsed.kind,
          module: source.module,
          file: source.path,
          line: table.line,
          heading: headingText,
          properties: [],
        };
        let choice: string | undefined;
        for (const row of table.rows) {
          const [nameCell = '', typeCell = '', cardCell = ''] = row.cells;
          const choiceHead = /^\*?Choice: (.*?)\*?$/.exec(nameCell);
          if (choiceHead && cardCell === '') {
            choice = `choice@${row.line}`;
            continue;
          }
          const member = nameCell.startsWith('>');
          const name = nameCell.replace(/^>\s*/, '').replace(/`/g, '');
          if (!member) choice = undefined;
          if (!PROPERTY_NAME.test(name)) {
            anomaly(`row "${nameCell}" has no property name`, row.line);
            continue;
          }
          if (!CARDINALITIES.has(cardCell)) {
            anomaly(`${parsed.name}.${name}: cardinality "${cardCell}" is not 1, ?, * or +`, row.line);
            continue;
          }
          const prop: SpecProperty = {
            property: name,
            cardinality: cardCell as Cardinality,
            type: typeCell,
            line: row.line,
          };
          if (member && choice) prop.choiceGroup = choice;
          def.properties.push(prop);
        }
        result.objects[parsed.name] = def;
      } else if (valueCol !== undefined && (parsed.kind === 'enum' || parsed.kind === 'openEnum')) {
        if (result.enums[parsed.name]) {
          anomaly(`second value table for ${parsed.name}`);
          continue;
        }
        const values: string[] = [];
        for (const row of table.rows) {
          const value = (row.cells[valueCol] ?? '').replace(/`/g, '').trim();
          if (!/^[A-Za-z0-9_./-]+$/.test(value)) {
            anomaly(`${parsed.name}: "${value}" is not an enum value`, row.line);
            continue;
          }
          values.push(value);
        }
        result.enums[parsed.name] = {
          name: parsed.name,
          open: parsed.kind === 'openEnum',
          module: source.module,
          file: source.path,
          line: table.line,
          heading: headingText,
          values,
        };
      }
    }
  }
  return result;
}
