import {
  hasInterfaceRoles,
  isSupportedVersion,
  type OcpiVersion,
  SUPPORTED_VERSIONS,
} from '../model/versions.ts';
import { OcpiError } from '../transport/errors.ts';
import { componentSchemas, ENVELOPE, schemaRef } from './components.ts';
import { type EndpointContext, endpointsOf } from './endpoints.ts';
import type { JsonSchema } from './json-schema.ts';
import { operation } from './operations.ts';
import type { OpenApiDocument, OpenApiParameter, OpenApiPathItem, OpenApiReference } from './types.ts';

/** Options of openApiDocument(). */
export interface OpenApiOptions {
  /** Base URL the node is reached at, e.g. `https://ocpi.example.com` (default: none, paths are relative). */
  publicUrl?: string;
  /** Path prefix of the OCPI endpoints, as in createOcpiApp() (default `/ocpi`). */
  basePath?: string;
  /** The document's title (default `OCPI <version>`). */
  title?: string;
}

const SECURITY_SCHEME = 'ocpiToken';

const TAGS = [
  { name: 'versions', description: 'Versions and version details: where each module lives' },
  { name: 'credentials', description: 'Registration, token rotation and unregistration' },
  { name: 'locations', description: 'Locations, EVSEs and Connectors' },
  { name: 'tariffs', description: 'Tariffs' },
  { name: 'tokens', description: 'Tokens and real-time authorization' },
  { name: 'sessions', description: 'Charging sessions' },
  { name: 'cdrs', description: 'Charge detail records' },
  { name: 'commands', description: 'Commands to chargers and their asynchronous results' },
];

/** Header parameters of 2.2 and later: request ids on every request, routing headers on module requests. */
function headerParameters(version: OcpiVersion): Record<string, OpenApiParameter> {
  if (!hasInterfaceRoles(version)) return {};
  const header = (name: string, description: string, maxLength: number): OpenApiParameter => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string', maxLength },
  });
  return {
    'X-Request-ID': header('X-Request-ID', 'Echoed in the response; generated when absent', 255),
    'X-Correlation-ID': header('X-Correlation-ID', 'Echoed in the response; generated when absent', 255),
    'OCPI-from-country-code': header('OCPI-from-country-code', 'Country code of the sending party', 2),
    'OCPI-from-party-id': header('OCPI-from-party-id', 'Party id of the sending party', 3),
    'OCPI-to-country-code': header('OCPI-to-country-code', 'Country code of the addressed party', 2),
    'OCPI-to-party-id': header('OCPI-to-party-id', 'Party id of the addressed party', 3),
  };
}

function refs(names: string[]): OpenApiReference[] {
  return names.map((name) => ({ $ref: `#/components/parameters/${name}` }));
}

/**
 * The OpenAPI 3.1 document of one OCPI version as this toolkit serves it.
 *
 * `components.schemas` holds every object, class and enum of the version by its spec name
 * (`Location`, `EVSE`, `CDR`, `CommandResponse`, ...), the PATCH shapes as `<Object>Patch`
 * and the response envelope as `OcpiResponse`, written from the same TypeBox schemas that
 * validate requests, with `$ref`s between them. `paths` lists the versions, credentials,
 * Locations, Tariffs, Tokens, Sessions, CDRs (sender and receiver) and Commands endpoints,
 * each answering in the OCPI envelope. Which of them a node offers depends on its roles
 * (see its version details). Every operation requires `Authorization: Token <token>`.
 *
 * @param version `2.1.1`, `2.2.1` or `2.3.0`; anything else throws.
 * @example
 * ```ts
 * const doc = openApiDocument('2.2.1', { publicUrl: 'https://ocpi.example.com' });
 * doc.components.schemas.Location; // JSON Schema of a 2.2.1 Location
 * ```
 */
export function openApiDocument(version: OcpiVersion, options: OpenApiOptions = {}): OpenApiDocument {
  if (!isSupportedVersion(version))
    throw new OcpiError(
      'OCPI_ERR_UNSUPPORTED_VERSION',
      `unsupported OCPI version ${String(version)} (use ${SUPPORTED_VERSIONS.join(', ')})`,
    );
  const schemas = componentSchemas(version);
  const parameters = headerParameters(version);
  const names = Object.keys(parameters);
  const pathParameters: Record<string, JsonSchema> = {};
  const context: EndpointContext = {
    version,
    components: schemas,
    pathParameters,
    commonHeaders: refs(names.filter((n) => n.startsWith('X-'))),
    moduleHeaders: refs(names),
  };
  const envelope = (data: JsonSchema | undefined): JsonSchema =>
    data
      ? { allOf: [schemaRef(schemas, ENVELOPE), { type: 'object', properties: { data } }] }
      : schemaRef(schemas, ENVELOPE);
  const pathParameter = (name: string): OpenApiParameter => {
    const schema = pathParameters[name];
    if (!schema) throw new OcpiError('OCPI_ERR_INTERNAL', `no schema for path parameter ${name}`);
    return { name, in: 'path', required: true, schema };
  };

  const paths: Record<string, OpenApiPathItem> = {};
  for (const endpoint of endpointsOf(context)) {
    const item: OpenApiPathItem = paths[endpoint.path] ?? {};
    paths[endpoint.path] = item;
    if (item[endpoint.method])
      throw new OcpiError('OCPI_ERR_INTERNAL', `two operations ${endpoint.method} ${endpoint.path}`);
    item[endpoint.method] = operation(endpoint, { envelope, pathParameter });
  }

  const basePath = (options.basePath ?? '/ocpi').replace(/\/+$/, '');
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? `OCPI ${version}`,
      version,
      description:
        `The OCPI ${version} endpoints of an ocpi-toolkit node. Which modules and interfaces (sender, ` +
        'receiver) a node offers depends on its roles; its version details list them.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [
      {
        url: `${options.publicUrl?.replace(/\/+$/, '') ?? ''}${basePath}` || '/',
        description: 'The OCPI base of the node',
      },
    ],
    security: [{ [SECURITY_SCHEME]: [] }],
    tags: TAGS,
    paths,
    components: {
      schemas,
      parameters,
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            `\`Token <token>\`${hasInterfaceRoles(version) ? ', the token base64-encoded (raw is accepted too)' : ''}. ` +
            'A registration token (token A) is accepted only for versions and credentials.',
        },
      },
    },
  };
}
