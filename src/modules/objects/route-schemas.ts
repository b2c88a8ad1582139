import { type TOptional, type TSchema, type TString, type TUnsafe, Type } from '@sinclair/typebox';
import { schemaOf } from '../../model/objects.ts';
import { CiString } from '../../model/primitives.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import { OcpiError } from '../../transport/errors.ts';
import {
  enveloped,
  PAGE_HEADERS,
  PageQuery,
  PartyParams,
  type RouteDocumentation,
} from '../../transport/route-schemas.ts';
import type { ObjectModuleSpec } from './spec.ts';

/*
 * The route schemas of the sender and receiver of a module of client-owned objects, written
 * from its ObjectModuleSpec and the version's object schemas.
 */

type IdParams = Record<string, TUnsafe<string>>;

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A level of a module's URL: the object, then its children (Location, EVSE, Connector). */
interface Level {
  objectName: string;
  idField: string;
  /** The URL parameter, when the spec names it otherwise than idParamName() would. */
  param?: string;
}

function levels(spec: ObjectModuleSpec): Level[] {
  const root: Level = { objectName: spec.objectName, idField: spec.idField };
  return [spec.idParam ? { ...root, param: spec.idParam } : root, ...spec.children];
}

/** `location_id`, `evse_uid`, `token_uid`...: a level's id in the URL, named as the spec names it. */
export function idParamName(level: Level): string {
  return level.param ?? `${level.objectName.toLowerCase()}_${level.idField}`;
}

/** The names of the id parameters of a module's URL, outermost first. */
export function idParamNames(spec: ObjectModuleSpec): string[] {
  return levels(spec).map(idParamName);
}

/** An object's id as a path parameter: the id field of the version's object (its length, its pattern). */
export function idParam(version: OcpiVersion, level: Level): TUnsafe<string> {
  const object = schemaOf(version, level.objectName);
  const field: TSchema | undefined = object.properties?.[level.idField];
  if (field?.type !== 'string')
    throw new OcpiError('OCPI_ERR_INTERNAL', `${level.objectName}.${level.idField} is not a string field`);
  return Type.Unsafe<string>(field);
}

/** The id parameters of a URL down to `depth` (0: the object itself). */
function idParams(version: OcpiVersion, spec: ObjectModuleSpec, depth: number): IdParams {
  const ids: IdParams = {};
  for (const level of levels(spec).slice(0, depth + 1)) ids[idParamName(level)] = idParam(version, level);
  return ids;
}

/** `?type=` of Tokens from 2.2: read case-insensitively, RFID when absent. Other modules: none. */
function subtypeQuery(version: OcpiVersion, spec: ObjectModuleSpec) {
  const query: Record<string, TOptional<TString>> = {};
  if (spec.subtype && hasInterfaceRoles(version)) {
    const description = `A TokenType, ${spec.subtype.default} when absent`;
    query[spec.subtype.query] = Type.Optional(CiString(undefined, { description }));
  }
  return Type.Object(query);
}

/** GET {sender}: a page of our objects. */
export function senderListSchema(version: OcpiVersion, spec: ObjectModuleSpec) {
  return {
    querystring: PageQuery,
    response: { 200: enveloped(Type.Array(schemaOf(version, spec.objectName))) },
    openapi: {
      operationId: `senderList${capitalized(spec.id)}`,
      summary: `Our ${spec.objectName} objects, a page at a time`,
      tag: spec.id,
      responses: { 200: { description: 'The envelope; `data` holds the page', headers: PAGE_HEADERS } },
    },
  };
}

/** GET {sender}/{id}[/{child ids}]: one of our objects (Locations: or one of its EVSEs, Connectors). */
export function senderGetSchema(version: OcpiVersion, spec: ObjectModuleSpec, depth: number) {
  const level = levels(spec)[depth] ?? spec;
  return {
    params: Type.Object(idParams(version, spec, depth)),
    response: { 200: enveloped(schemaOf(version, level.objectName)) },
    openapi: {
      operationId: `senderGet${level.objectName}`,
      summary: `One of our ${level.objectName} objects`,
      tag: spec.id,
    },
  };
}

/** The schema of one receiver route on one level of the URL (0: the object itself). */
export function receiverSchema(
  version: OcpiVersion,
  spec: ObjectModuleSpec,
  depth: number,
  method: 'get' | 'put' | 'patch' | 'delete',
) {
  const name = (levels(spec)[depth] ?? spec).objectName;
  const params = Type.Object({ ...PartyParams, ...idParams(version, spec, depth) });
  const common = { params, querystring: subtypeQuery(version, spec) };
  const doc = (verb: string, summary: string) => ({
    operationId: `receiver${verb}${name}`,
    summary,
    tag: spec.id,
  });
  const ack = { 200: enveloped() };
  if (method === 'get')
    return {
      ...common,
      response: { 200: enveloped(schemaOf(version, name)) },
      openapi: doc('Get', `Our copy of the partner's ${name}`),
    };
  if (method === 'delete')
    return { ...common, response: ack, openapi: doc('Delete', `The partner removed its ${name}`) };
  const [verb, summary, shape] =
    method === 'put'
      ? ['Put', `A new or replaced ${name} of the partner`, 'object' as const]
      : ['Patch', `A change to the partner's ${name}`, 'patch' as const];
  return {
    ...common,
    response: ack,
    openapi: { ...doc(verb, summary), body: { schema: schemaOf(version, name, shape), required: true } },
  };
}

/** POST {receiver}: a whole, immutable object (a CDR), answered with 201 and where to read it back. */
export function receiverPostSchema(version: OcpiVersion, spec: ObjectModuleSpec) {
  return {
    response: { 201: enveloped(), 200: enveloped() },
    openapi: {
      operationId: `receiverPost${spec.objectName}`,
      summary: `A new ${spec.objectName} of the partner (stored once, never changed)`,
      tag: spec.id,
      body: { schema: schemaOf(version, spec.objectName), required: true },
      responses: {
        201: {
          description: 'Stored; `Location` is where it can be read back',
          headers: { Location: { description: 'URL of the stored object', schema: { type: 'string' } } },
        },
        200: { description: 'The same object again: already stored' },
      },
    } satisfies RouteDocumentation,
  };
}

/** Routes that only answer 405 (an immutable object cannot be replaced, changed or deleted): not documented. */
export const UNDOCUMENTED = { openapi: false } as const;
