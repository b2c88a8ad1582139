import type { JsonSchema } from './json-schema.ts';
import type {
  HttpMethod,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiReference,
  OpenApiResponse,
} from './types.ts';

/** One endpoint as the paths list it: enough to write its OpenAPI operation. */
export interface Endpoint {
  method: HttpMethod;
  /** Below the server URL, with `{param}` placeholders, e.g. `/2.2.1/sender/locations/{location_id}`. */
  path: string;
  operationId: string;
  summary: string;
  /** The module, as the operation's tag. */
  tag: string;
  query?: OpenApiParameter[];
  body?: { schema: JsonSchema; required: boolean };
  /** What `data` of the response envelope holds; absent for acknowledgements. */
  data?: JsonSchema;
  /** A paginated list: Link, X-Total-Count and X-Limit headers. */
  paged?: boolean;
  /** Answered with HTTP 201 and a Location header (a POSTed CDR). */
  created?: boolean;
  /** Header parameters (`$ref`s to components.parameters). */
  headers?: OpenApiReference[];
}

/** How an endpoint's parts are written: the envelope around `data`, and the path parameters. */
export interface OperationContext {
  envelope(data: JsonSchema | undefined): JsonSchema;
  /** The schema of a path parameter by name; unknown names are an error. */
  pathParameter(name: string): OpenApiParameter;
}

const JSON_TYPE = 'application/json';

const PAGE_HEADERS = {
  Link: {
    description: 'The next page: `<url>; rel="next"` (absent on the last page)',
    schema: { type: 'string' },
  },
  'X-Total-Count': { description: 'How many objects match the request', schema: { type: 'integer' } },
  'X-Limit': { description: 'The largest page this server serves', schema: { type: 'integer' } },
};

function parametersIn(path: string, context: OperationContext): OpenApiParameter[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => context.pathParameter(m[1] as string));
}

/** The OpenAPI operation of an endpoint: its parameters, body and enveloped responses. */
export function operation(endpoint: Endpoint, context: OperationContext): OpenApiOperation {
  const json = (schema: JsonSchema) => ({ [JSON_TYPE]: { schema } });
  const success: OpenApiResponse = {
    description: endpoint.data ? 'The envelope; `data` holds the answer' : 'The envelope, without `data`',
    content: json(context.envelope(endpoint.data)),
  };
  if (endpoint.paged) success.headers = PAGE_HEADERS;
  const responses: Record<string, OpenApiResponse> = endpoint.created
    ? {
        '201': {
          description: 'Stored; `Location` is where it can be read back',
          headers: { Location: { description: 'URL of the stored object', schema: { type: 'string' } } },
          content: json(context.envelope(undefined)),
        },
        '200': {
          description: 'The same object again: already stored',
          content: json(context.envelope(undefined)),
        },
      }
    : { '200': success };
  responses.default = {
    description:
      'An OCPI error: status_code 2xxx (client) or 3xxx (server) with a status_message; HTTP 401 for a ' +
      'missing or unknown token, 404 for an unknown object, 400 for a body that is not JSON',
    content: json(context.envelope(undefined)),
  };
  const parameters = [
    ...parametersIn(endpoint.path, context),
    ...(endpoint.query ?? []),
    ...(endpoint.headers ?? []),
  ];
  return {
    operationId: endpoint.operationId,
    summary: endpoint.summary,
    tags: [endpoint.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(endpoint.body
      ? { requestBody: { required: endpoint.body.required, content: json(endpoint.body.schema) } }
      : {}),
    responses,
  };
}
