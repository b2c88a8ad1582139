import { type TSchema, Type } from '@sinclair/typebox';
import { catalogs } from '../model/catalog.ts';
import { DateTime, Int, Obj, Opt } from '../model/primitives.ts';
import type { OcpiVersion } from '../model/versions.ts';
import { OcpiError } from '../transport/errors.ts';
import { type JsonSchema, JsonSchemaWriter, SCHEMAS_POINTER } from './json-schema.ts';

/** The name of the response envelope's component. */
export const ENVELOPE = 'OcpiResponse';

/** Every response: `data` (what the endpoint answers, absent on errors and acknowledgements) and the status. */
const OcpiResponse = Obj({
  data: Opt(Type.Unknown()),
  status_code: Int(),
  status_message: Opt(Type.String()),
  timestamp: DateTime(),
});

/** Component name of an object's PATCH shape, e.g. `LocationPatch`. */
export function patchName(objectName: string): string {
  return `${objectName}Patch`;
}

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
  for (const [name, schema] of Object.entries(catalog.patches)) add(patchName(name), schema);
  add(ENVELOPE, OcpiResponse);
  return sources;
}

/** The component schemas of a version, as JSON Schema with `$ref`s between them. */
export function componentSchemas(version: OcpiVersion): Record<string, JsonSchema> {
  const sources = componentSources(version);
  const writer = new JsonSchemaWriter(sources);
  return Object.fromEntries(Object.entries(sources).map(([name, schema]) => [name, writer.write(schema)]));
}

/** A `$ref` to a component schema that exists in the version (checked, so the document never dangles). */
export function schemaRef(components: Record<string, JsonSchema>, name: string): JsonSchema {
  if (!components[name]) throw new OcpiError('OCPI_ERR_INTERNAL', `no component schema ${name}`);
  return { $ref: `${SCHEMAS_POINTER}${name}` };
}
