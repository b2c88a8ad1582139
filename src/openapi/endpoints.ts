import type { TObject, TSchema } from '@sinclair/typebox';
import { catalogs } from '../model/catalog.ts';
import { DateTime } from '../model/primitives.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../model/versions.ts';
import { cdrsModule, cdrsSpec } from '../modules/cdrs/module.ts';
import { COMMAND_OBJECTS, commandsOf } from '../modules/commands/names.ts';
import { credentialsModule } from '../modules/credentials/module.ts';
import { locationsModule, locationsSpec } from '../modules/locations/module.ts';
import type { ObjectModuleSpec } from '../modules/objects/spec.ts';
import { sessionsModule, sessionsSpec } from '../modules/sessions/module.ts';
import { tariffsModule, tariffsSpec } from '../modules/tariffs/module.ts';
import { tokensModule, tokensSpec } from '../modules/tokens/module.ts';
import type { OcpiModule } from '../node.ts';
import { patchName, schemaRef } from './components.ts';
import { type JsonSchema, JsonSchemaWriter } from './json-schema.ts';
import type { Endpoint } from './operations.ts';
import type { OpenApiParameter, OpenApiReference } from './types.ts';

/*
 * The endpoints the toolkit serves in a version. The modules of client-owned objects are
 * written from their ObjectModuleSpec, the same declaration senderRoutes() and
 * receiverRoutes() build their routes from (children, patch, delete, senderGetOne, receive,
 * subtype). The few hand-written routes (versions, credentials, a module's extra routes,
 * commands) are listed here next to the file that declares them. test/openapi/routes.test.ts
 * checks this list against the routes a node really registers, both ways.
 */

/** The modules of client-owned objects, with the module object that says in which versions they are. */
const OBJECT_MODULES: { spec: ObjectModuleSpec; module: OcpiModule }[] = [
  { spec: locationsSpec, module: locationsModule },
  { spec: tariffsSpec, module: tariffsModule },
  { spec: tokensSpec, module: tokensModule },
  { spec: sessionsSpec, module: sessionsModule },
  { spec: cdrsSpec, module: cdrsModule },
];

const inline = new JsonSchemaWriter({});
const PARTY_PARAMETERS: Record<string, JsonSchema> = {
  country_code: { type: 'string', maxLength: 2, description: 'ISO 3166-1 alpha-2 of the owner' },
  party_id: { type: 'string', maxLength: 3, description: 'Party id of the owner' },
};

/** What endpoints are written with: the version's component schemas and its path parameters. */
export interface EndpointContext {
  version: OcpiVersion;
  components: Record<string, JsonSchema>;
  /** Path parameter schemas, filled in as endpoints name them. */
  pathParameters: Record<string, JsonSchema>;
  /** Header parameters functional modules take (2.2+: routing headers and request ids). */
  moduleHeaders: OpenApiReference[];
  /** Header parameters every endpoint takes. */
  commonHeaders: OpenApiReference[];
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `location_id`, `evse_uid`, ...: a level's id as a path parameter, typed as its id field. */
function idParameter(ctx: EndpointContext, objectName: string, idField: string): string {
  const name = `${objectName.toLowerCase()}_${idField}`;
  const object = catalogs[ctx.version].objects[objectName] as TObject | undefined;
  const field: TSchema | undefined = object?.properties?.[idField];
  ctx.pathParameters[name] = field ? inline.write(field) : { type: 'string' };
  return `{${name}}`;
}

function pageQuery(): OpenApiParameter[] {
  const dateTime = inline.write(DateTime());
  return [
    { name: 'date_from', in: 'query', required: false, description: 'Changed at or after', schema: dateTime },
    { name: 'date_to', in: 'query', required: false, description: 'Changed before', schema: dateTime },
    { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
    { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
  ];
}

/** `?type=` of Tokens from 2.2 (default RFID). */
function subtypeQuery(ctx: EndpointContext, spec: ObjectModuleSpec): OpenApiParameter[] {
  if (!spec.subtype || !hasInterfaceRoles(ctx.version)) return [];
  const { query, default: fallback } = spec.subtype;
  return [
    {
      name: query,
      in: 'query',
      required: false,
      description: `Default ${fallback}`,
      schema: schemaRef(ctx.components, 'TokenType'),
    },
  ];
}

/** Routes a module adds to its sender (the extraRoutes of objectModule()). */
const SENDER_EXTRAS: Partial<Record<string, (ctx: EndpointContext, base: string) => Endpoint[]>> = {
  // src/modules/tokens/authorize.ts
  tokens: (ctx, base) => [
    {
      method: 'post',
      path: `${base}/${idParameter(ctx, 'Token', 'uid')}/authorize`,
      operationId: 'senderAuthorizeToken',
      summary: 'Real-time authorization of one of our tokens',
      tag: 'tokens',
      query: subtypeQuery(ctx, tokensSpec),
      body: { schema: schemaRef(ctx.components, 'LocationReferences'), required: false },
      data: schemaRef(ctx.components, 'AuthorizationInfo'),
      headers: ctx.moduleHeaders,
    },
  ],
  // src/modules/sessions/charging-preferences.ts
  sessions: (ctx, base) =>
    hasInterfaceRoles(ctx.version)
      ? [
          {
            method: 'put',
            path: `${base}/${idParameter(ctx, 'Session', 'id')}/charging_preferences`,
            operationId: 'senderPutChargingPreferences',
            summary: "The driver's charging preferences for one of our Sessions",
            tag: 'sessions',
            body: { schema: schemaRef(ctx.components, 'ChargingPreferences'), required: true },
            data: schemaRef(ctx.components, 'ChargingPreferencesResponse'),
            headers: ctx.moduleHeaders,
          },
        ]
      : [],
};

/** src/modules/objects/sender.ts: the list, GET of one object (and its children), and the extras. */
function senderEndpoints(ctx: EndpointContext, spec: ObjectModuleSpec): Endpoint[] {
  const base = `/${ctx.version}/sender/${spec.id}`;
  const list: Endpoint = {
    method: 'get',
    path: base,
    operationId: `senderList${capitalized(spec.id)}`,
    summary: `Our ${spec.objectName} objects, a page at a time`,
    tag: spec.id,
    query: pageQuery(),
    data: { type: 'array', items: schemaRef(ctx.components, spec.objectName) },
    paged: true,
    headers: ctx.moduleHeaders,
  };
  const single: Endpoint[] = [];
  if (spec.senderGetOne) {
    const levels = [{ objectName: spec.objectName, idField: spec.idField }, ...spec.children];
    let path = base;
    for (const level of levels) {
      path = `${path}/${idParameter(ctx, level.objectName, level.idField)}`;
      single.push({
        method: 'get',
        path,
        operationId: `senderGet${level.objectName}`,
        summary: `One of our ${level.objectName} objects`,
        tag: spec.id,
        data: schemaRef(ctx.components, level.objectName),
        headers: ctx.moduleHeaders,
      });
    }
  }
  return [list, ...single, ...(SENDER_EXTRAS[spec.id]?.(ctx, base) ?? [])];
}

/** src/modules/objects/receiver.ts: GET/PUT/PATCH (DELETE) per level, or POST for immutable objects. */
function receiverEndpoints(ctx: EndpointContext, spec: ObjectModuleSpec): Endpoint[] {
  const base = `/${ctx.version}/receiver/${spec.id}`;
  const posted = spec.receive === 'post';
  const query = subtypeQuery(ctx, spec);
  const common = { tag: spec.id, headers: ctx.moduleHeaders, ...(query.length > 0 ? { query } : {}) };
  const endpoints: Endpoint[] = [];
  if (posted) {
    endpoints.push({
      method: 'post',
      path: base,
      operationId: `receiverPost${spec.objectName}`,
      summary: `A new ${spec.objectName} of the partner (stored once, never changed)`,
      body: { schema: schemaRef(ctx.components, spec.objectName), required: true },
      created: true,
      ...common,
    });
  }
  const levels = [{ objectName: spec.objectName, idField: spec.idField }, ...spec.children];
  let path = `${base}/{country_code}/{party_id}`;
  for (const level of levels) {
    path = `${path}/${idParameter(ctx, level.objectName, level.idField)}`;
    const name = level.objectName;
    const ref = schemaRef(ctx.components, name);
    endpoints.push({
      method: 'get',
      path,
      operationId: `receiverGet${name}`,
      summary: `Our copy of the partner's ${name}`,
      data: ref,
      ...common,
    });
    if (posted) continue;
    endpoints.push({
      method: 'put',
      path,
      operationId: `receiverPut${name}`,
      summary: `A new or replaced ${name} of the partner`,
      body: { schema: ref, required: true },
      ...common,
    });
    if (spec.patch(ctx.version)) {
      endpoints.push({
        method: 'patch',
        path,
        operationId: `receiverPatch${name}`,
        summary: `A change to the partner's ${name}`,
        body: { schema: schemaRef(ctx.components, patchName(name)), required: true },
        ...common,
      });
    }
    if (spec.delete && level.objectName === spec.objectName) {
      endpoints.push({
        method: 'delete',
        path,
        operationId: `receiverDelete${name}`,
        summary: `The partner removed its ${name}`,
        ...common,
      });
    }
  }
  return endpoints;
}

/** src/modules/versions/routes.ts */
function versionEndpoints(ctx: EndpointContext): Endpoint[] {
  return [
    {
      method: 'get',
      path: '/versions',
      operationId: 'getVersions',
      summary: 'The OCPI versions this node speaks',
      tag: 'versions',
      data: { type: 'array', items: schemaRef(ctx.components, 'Version') },
      headers: ctx.commonHeaders,
    },
    {
      method: 'get',
      path: `/${ctx.version}`,
      operationId: 'getVersionDetails',
      summary: `The endpoints of OCPI ${ctx.version}`,
      tag: 'versions',
      data: schemaRef(ctx.components, 'VersionDetails'),
      headers: ctx.commonHeaders,
    },
  ];
}

/** src/modules/credentials/module.ts */
function credentialsEndpoints(ctx: EndpointContext): Endpoint[] {
  const credentials = schemaRef(ctx.components, 'Credentials');
  const path = `/${ctx.version}/credentials`;
  const common = { path, tag: 'credentials', headers: ctx.commonHeaders };
  return [
    {
      method: 'get',
      operationId: 'getCredentials',
      summary: 'Our credentials for the caller',
      data: credentials,
      ...common,
    },
    {
      method: 'post',
      operationId: 'postCredentials',
      summary: 'Register (with token A): your credentials in, ours out',
      body: { schema: credentials, required: true },
      data: credentials,
      ...common,
    },
    {
      method: 'put',
      operationId: 'putCredentials',
      summary: 'Update a registration and rotate tokens',
      body: { schema: credentials, required: true },
      data: credentials,
      ...common,
    },
    { method: 'delete', operationId: 'deleteCredentials', summary: 'Unregister', ...common },
  ];
}

/** src/modules/commands: the CPO's receiver, and the eMSP's sender that takes the asynchronous results. */
function commandEndpoints(ctx: EndpointContext): Endpoint[] {
  // 2.1.1 posts a CommandResponse to the response_url; 2.2 and later a CommandResult.
  const result = schemaRef(
    ctx.components,
    hasInterfaceRoles(ctx.version) ? 'CommandResult' : 'CommandResponse',
  );
  ctx.pathParameters.command_id = { type: 'string', description: 'The id in the response_url we gave' };
  return commandsOf(ctx.version).flatMap((command): Endpoint[] => {
    const name = COMMAND_OBJECTS[command];
    return [
      {
        method: 'post',
        path: `/${ctx.version}/receiver/commands/${command}`,
        operationId: `receiverCommand${name}`,
        summary: `${command}: answered at once with a CommandResponse; the result follows on response_url`,
        tag: 'commands',
        body: { schema: schemaRef(ctx.components, name), required: true },
        data: schemaRef(ctx.components, 'CommandResponse'),
        headers: ctx.moduleHeaders,
      },
      {
        method: 'post',
        path: `/${ctx.version}/sender/commands/${command}/{command_id}`,
        operationId: `senderCommandResult${name}`,
        summary: `The result of a ${command} we sent (our response_url)`,
        tag: 'commands',
        body: { schema: result, required: true },
        headers: ctx.moduleHeaders,
      },
    ];
  });
}

/** Every endpoint the toolkit serves in a version, whatever roles a node plays. */
export function endpointsOf(ctx: EndpointContext): Endpoint[] {
  Object.assign(ctx.pathParameters, PARTY_PARAMETERS);
  const inVersion = (m: OcpiModule) => m.versions.includes(ctx.version);
  return [
    ...versionEndpoints(ctx),
    ...(inVersion(credentialsModule) ? credentialsEndpoints(ctx) : []),
    ...OBJECT_MODULES.filter((m) => inVersion(m.module)).flatMap(({ spec }) => [
      ...senderEndpoints(ctx, spec),
      ...receiverEndpoints(ctx, spec),
    ]),
    ...commandEndpoints(ctx),
  ];
}
