import type { TSchema } from '@sinclair/typebox';
import { catalogs } from '../model/catalog.ts';
import type { OcpiVersion } from '../model/versions.ts';
import { OcpiError } from '../transport/errors.ts';
import { OcpiResponse } from '../transport/route-schemas.ts';
import { type JsonSchema, JsonSchemaWriter } from './json-schema.ts';

/** The name of the response envelope's component. */
const ENVELOPE = 'OcpiResponse';

/**
 * The TypeBox schema behind each component of a version: every object, class and enum of the
 * catalog by its spec name, the PATCH shapes as `<Object>Patch`, and the response envelope.
 */
export function componentSources(version: OcpiVersion): Record<string, TSchema> {
  const catalog = catalogs[version];
  const sources: Record<string, TSchema> = { ...catalog.objects };
  const add = (name: string, schema: TSchema) => {
    if (name in sources)
      throw new OcpiError('OCPI_ERR_INTERNAL', `OCPI ${version}: two components named ${name}`);
    sources[name] = schema;
  };
  for (const [name, schema] of Object.entries(catalog.patches)) add(`${name}Patch`, schema);
  add(ENVELOPE, OcpiResponse);
  return sources;
}

/** The component schemas, as JSON Schema with `$ref`s between them, and the writer that refers to them. */
export function componentSchemas(version: OcpiVersion): {
  schemas: Record<string, JsonSchema>;
  writer: JsonSchemaWriter;
} {
  const sources = componentSources(version);
  const writer = new JsonSchemaWriter(sources);
  const schemas = Object.fromEntries(
    Object.entries(sources).map(([name, schema]) => [name, writer.write(schema)]),
  );
  return { schemas, writer };
}
