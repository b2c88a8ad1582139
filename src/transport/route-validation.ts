import type { TSchema } from '@sinclair/typebox';
import type { FastifySchemaCompiler, FastifySchemaValidationError, FastifySerializerCompiler } from 'fastify';
import { compileValidator, type ValidationIssue } from '../model/validate.ts';
import { OcpiError } from './errors.ts';

/**
 * Validates the params and querystrings of OCPI routes with the TypeBox schemas they
 * declare, as the model validates bodies (same checks, same words), without coercion:
 * URL values stay text and the route reads them. Bodies are not given to Fastify: the
 * codecs read them leniently (see RouteDocumentation.body).
 */
export const routeValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, method, url, httpPart }) => {
  if (httpPart === 'body')
    throw new OcpiError(
      'OCPI_ERR_INTERNAL',
      `${method} ${url}: request bodies are read by the codecs; document them in schema.openapi`,
    );
  const validate = compileValidator(schema);
  return (value: unknown) => {
    const result = validate(value ?? {});
    return result.ok ? { value: result.value } : { error: validationErrors(result.errors) };
  };
};

/** Issues as Fastify hands them to the error handler (`error.validation`). */
export function validationErrors(issues: ValidationIssue[]): FastifySchemaValidationError[] {
  return issues.map((e) => ({
    keyword: 'schema',
    instancePath: e.path,
    schemaPath: '',
    params: {},
    message: e.message,
  }));
}

/**
 * Response schemas document what a route answers; they do not serialize. The handlers
 * render objects for the version themselves (strict out), and the OCPI scopes' reply
 * serializer (envelopeSerializer) writes them exactly as they were rendered. This compiler
 * only keeps Fastify from compiling the schemas into serializers of its own.
 */
export const routeSerializerCompiler: FastifySerializerCompiler<TSchema> = () => (data) =>
  JSON.stringify(data);
