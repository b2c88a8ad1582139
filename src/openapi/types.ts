import type { JsonSchema } from './json-schema.ts';

/*
 * The parts of an OpenAPI 3.1 document that openApiDocument() writes.
 */

export type { JsonSchema };

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** A `$ref` to another part of the document. */
export interface OpenApiReference {
  $ref: string;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiMediaType {
  schema: JsonSchema;
}

export interface OpenApiHeader {
  description: string;
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, OpenApiHeader>;
  content?: Record<string, OpenApiMediaType>;
}

export interface OpenApiRequestBody {
  required: boolean;
  content: Record<string, OpenApiMediaType>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  parameters?: (OpenApiParameter | OpenApiReference)[];
  requestBody?: OpenApiRequestBody;
  responses: Record<string, OpenApiResponse>;
}

export type OpenApiPathItem = Partial<Record<HttpMethod, OpenApiOperation>>;

/** `Authorization: Token <token>`, as OpenAPI describes an API key in a header. */
export interface OpenApiApiKeyScheme {
  type: 'apiKey';
  in: 'header';
  name: string;
  description: string;
}

/** An OpenAPI 3.1 document of one OCPI version as this toolkit serves it. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  jsonSchemaDialect: string;
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, OpenApiPathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, OpenApiParameter>;
    securitySchemes: Record<string, OpenApiApiKeyScheme>;
  };
}
