import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument, SUPPORTED_VERSIONS } from '../../src/index.ts';
import type { JsonSchema, OpenApiDocument } from '../../src/openapi/types.ts';
import { loadSpecTables, type SpecObjectTable, type SpecTables } from '../support/spec-fixtures.ts';

/*
 * The component schemas of the document against the spec's own data tables (the fixtures
 * read from the spec text): every object and class table is a component, every property of
 * the table is a property of the component, required exactly when its cardinality is 1 or
 * +, a list exactly when it is * or + (and never empty when +); every enum table is a
 * component listing the same values, closed or open (x-extensible-enum) as the spec says.
 */

/** Tables of the transport chapter describe the envelope and headers, not objects of the catalog. */
const NOT_COMPONENTS = new Set(['transport']);

/**
 * Enums whose heading says `_enum_` but whose text allows more values, which the schema
 * therefore keeps open (test/model/cardinality.test.ts says why).
 */
const OPEN_EITHER_WAY: Partial<Record<string, string[]>> = {
  // version_information_endpoint.asciidoc: custom ModuleIDs may be used by agreement.
  '2.2.1': ['ModuleID: the spec says closed'],
};

interface Component {
  type?: string;
  properties?: Record<string, Component>;
  required?: string[];
  items?: Component;
  minItems?: number;
  enum?: string[];
  'x-extensible-enum'?: string[];
  anyOf?: Component[];
  $ref?: string;
}

function asComponent(schema: JsonSchema | undefined): Component | undefined {
  return schema as Component | undefined;
}

/** The object shapes of a component: itself, or each branch of a union of objects. */
function shapes(component: Component): Component[] {
  if (component.properties) return [component];
  return (component.anyOf ?? []).flatMap(shapes);
}

function propertyProblems(table: SpecObjectTable, component: Component): string[] {
  const variants = shapes(component);
  if (variants.length === 0) return [`${table.name}: not an object schema`];
  const problems: string[] = [];
  for (const p of table.properties) {
    const where = `${table.name}.${p.property} (${p.cardinality}, ${table.file}:${p.line})`;
    const holders = variants.filter((v) => v.properties?.[p.property]);
    const property = holders[0]?.properties?.[p.property];
    if (!property) {
      problems.push(`${where}: not in the component`);
      continue;
    }
    const required =
      holders.length === variants.length && holders.every((v) => v.required?.includes(p.property));
    // 2.1.1 "Choice: one of two" members are each required only when chosen.
    const mustRequire = !p.choiceGroup && (p.cardinality === '1' || p.cardinality === '+');
    if (p.choiceGroup ? required : required !== mustRequire)
      problems.push(`${where}: ${mustRequire ? 'must be required' : 'must be optional'}`);
    const mustList = p.cardinality === '*' || p.cardinality === '+';
    if ((property.type === 'array') !== mustList)
      problems.push(`${where}: ${mustList ? 'must be a list' : 'must not be a list'}`);
    else if (p.cardinality === '+' && (property.minItems ?? 0) < 1) problems.push(`${where}: may be empty`);
  }
  return problems;
}

function tableProblems(tables: SpecTables, doc: OpenApiDocument): string[] {
  const schemas = doc.components.schemas;
  const problems: string[] = [];
  for (const table of Object.values(tables.objects)) {
    if (NOT_COMPONENTS.has(table.module)) continue;
    const component = asComponent(schemas[table.name]);
    if (!component) problems.push(`${table.name} (${table.file}:${table.line}): no component`);
    else problems.push(...propertyProblems(table, component));
  }
  for (const table of Object.values(tables.enums)) {
    if (NOT_COMPONENTS.has(table.module)) continue;
    const component = asComponent(schemas[table.name]);
    const where = `${table.name} (${table.file}:${table.line})`;
    if (!component) {
      problems.push(`${where}: no component`);
      continue;
    }
    const values = component.enum ?? component['x-extensible-enum'] ?? [];
    const missing = table.values.filter((v) => !values.includes(v));
    if (missing.length > 0) problems.push(`${where}: lacks ${missing.join(', ')}`);
  }
  return problems;
}

describe.each(SUPPORTED_VERSIONS)('component schemas of OCPI %s against the spec tables', (version) => {
  let doc: OpenApiDocument;
  beforeAll(async () => {
    doc = await openApiDocument(version);
  });
  const tables = loadSpecTables(version);

  it('have every object, class and enum table, with its properties as the spec says', () => {
    expect(Object.keys(tables.objects).length).toBeGreaterThan(30);
    expect(tableProblems(tables, doc)).toEqual([]);
  });

  it('are closed enums exactly where the spec says _enum_, open where it says _OpenEnum_', () => {
    const wrong = Object.values(tables.enums)
      .filter((table) => !NOT_COMPONENTS.has(table.module))
      .filter((table) => {
        const component = asComponent(doc.components.schemas[table.name]);
        return component && (component.enum === undefined) !== table.open;
      })
      .map((table) => `${table.name}: the spec says ${table.open ? 'open' : 'closed'}`);
    expect(wrong).toEqual(OPEN_EITHER_WAY[version] ?? []);
  });
});
