import {
  hasInterfaceRoles,
  isSupportedVersion,
  type OcpiVersion,
  SUPPORTED_VERSIONS,
} from '../model/versions.ts';
import { OcpiError } from '../transport/errors.ts';
import { componentSchemas } from './components.ts';
import { operationOf } from './operations.ts';
import { registeredRoutes } from './route-table.ts';
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
  { name: 'hubclientinfo', description: 'The parties behind a hub and the status of their connections' },
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
 * validate requests, with `$ref`s between them. `paths` are the routes a node registers for
 * the version, whatever roles it plays, each with the schemas the route declares (versions,
 * credentials, Locations, Tariffs, Tokens, Sessions, CDRs as sender and receiver, Commands),
 * each answering in the OCPI envelope. Which of them a node offers depends on its roles
 * (see its version details). Every operation requires `Authorization: Token <token>`.
 *
 * No server is started and no database opened: the routes are registered into a Fastify
 * app that never listens, which is closed again.
 *
 * @param version `2.1.1`, `2.2.1` or `2.3.0`; anything else is refused.
 * @example
 * ```ts
 * const doc = await openApiDocument('2.2.1', { publicUrl: 'https://ocpi.example.com' });
 * doc.components.schemas.Location; // JSON Schema of a 2.2.1 Location
 * ```
 */
export async function openApiDocument(
  version: OcpiVersion,
  options: OpenApiOptions = {},
): Promise<OpenApiDocument> {
  if (!isSupportedVersion(version))
    throw new OcpiError(
      'OCPI_ERR_UNSUPPORTED_VERSION',
      `unsupported OCPI version ${String(version)} (use ${SUPPORTED_VERSIONS.join(', ')})`,
    );
  const { schemas, writer } = componentSchemas(version);
  const parameters = headerParameters(version);
  const names = Object.keys(parameters);
  const context = {
    writer,
    handshakeHeaders: refs(names.filter((n) => n.startsWith('X-'))),
    moduleHeaders: refs(names),
  };

  const paths: Record<string, OpenApiPathItem> = {};
  const routes = (await registeredRoutes(version)).filter((route) => route.schema.openapi !== false);
  for (const route of routes.sort((a, b) => a.path.localeCompare(b.path))) {
    const item: OpenApiPathItem = paths[route.path] ?? {};
    paths[route.path] = item;
    item[route.method] = operationOf(route, context);
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
