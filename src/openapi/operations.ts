import type { TSchema } from '@sinclair/typebox';
import { OcpiError } from '../transport/errors.ts';
import { OcpiResponse, type RouteDocumentation } from '../transport/route-schemas.ts';
import type { JsonSchema, JsonSchemaWriter } from './json-schema.ts';
import type { RegisteredRoute } from './route-table.ts';
import type { OpenApiOperation, OpenApiParameter, OpenApiReference, OpenApiResponse } from './types.ts';

/** What operations are written with: the version's schemas and its header parameters. */
export interface OperationContext {
  writer: JsonSchemaWriter;
  /** Header parameters of the routes partners call while registering (versions, credentials). */
  handshakeHeaders: OpenApiReference[];
  /** Header parameters of the functional modules. */
  moduleHeaders: OpenApiReference[];
}

const JSON_TYPE = 'application/json';

const ERROR_DESCRIPTION =
  'An OCPI error: status_code 2xxx (client) or 3xxx (server) with a status_message; HTTP 401 for a ' +
  'missing or unknown token, 404 for an unknown object, 400 for a body that is not JSON';

interface ObjectSchema {
  properties?: Record<string, TSchema>;
  required?: string[];
}

/** The schemas of `schema.response` by status. */
function entriesOf(response: unknown): [string, TSchema][] {
  return typeof response === 'object' && response !== null ? Object.entries(response) : [];
}

function json(schema: JsonSchema) {
  return { [JSON_TYPE]: { schema } };
}

function describe(route: RegisteredRoute): RouteDocumentation {
  const doc = route.schema.openapi;
  if (!doc)
    throw new OcpiError(
      'OCPI_ERR_INTERNAL',
      `${route.method} ${route.path}: the route has no OpenAPI description`,
    );
  return doc;
}

/** The path parameters, in the order of the path, then the query parameters, as the route's schemas declare them. */
function parameters(route: RegisteredRoute, writer: JsonSchemaWriter): OpenApiParameter[] {
  const params: ObjectSchema = route.schema.params ?? {};
  const inPath = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
  const path = inPath.map((name): OpenApiParameter => {
    const schema = params.properties?.[name];
    if (!schema)
      throw new OcpiError(
        'OCPI_ERR_INTERNAL',
        `${route.method} ${route.path}: no schema for path parameter ${name}`,
      );
    return { name, in: 'path', required: true, schema: writer.write(schema) };
  });
  const query: ObjectSchema = route.schema.querystring ?? {};
  const required = new Set(query.required ?? []);
  const queried = Object.entries(query.properties ?? {}).map(
    ([name, schema]): OpenApiParameter => ({
      name,
      in: 'query',
      required: required.has(name),
      schema: writer.write(schema),
    }),
  );
  return [...path, ...queried];
}

function responses(route: RegisteredRoute, doc: RouteDocumentation, writer: JsonSchemaWriter) {
  const answers: Record<string, OpenApiResponse> = {};
  for (const [status, schema] of entriesOf(route.schema.response)) {
    const given = doc.responses?.[status];
    answers[status] = {
      description:
        given?.description ??
        (schema === OcpiResponse ? 'The envelope, without `data`' : 'The envelope; `data` holds the answer'),
      ...(given?.headers ? { headers: given.headers } : {}),
      content: json(writer.refer(schema)),
    };
  }
  answers.default = { description: ERROR_DESCRIPTION, content: json(writer.refer(OcpiResponse)) };
  return answers;
}

/** The OpenAPI operation of a registered route, from the schemas it declares to Fastify. */
export function operationOf(route: RegisteredRoute, context: OperationContext): OpenApiOperation {
  const doc = describe(route);
  // Configuration modules (credentials, hubclientinfo) carry no routing headers: they talk
  // to the platform itself, not to a party behind it.
  const headers =
    route.auth === 'handshake' || doc.tag === 'hubclientinfo'
      ? context.handshakeHeaders
      : context.moduleHeaders;
  const all = [...parameters(route, context.writer), ...headers];
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    tags: [doc.tag],
    ...(all.length > 0 ? { parameters: all } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: doc.body.required,
            content: json(context.writer.refer(doc.body.schema)),
          },
        }
      : {}),
    responses: responses(route, doc, context.writer),
  };
}
