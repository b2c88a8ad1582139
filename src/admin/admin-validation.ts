import type { TSchema } from '@sinclair/typebox';
import type { FastifySchemaCompiler } from 'fastify';
import { compileValidator } from '../model/validate.ts';
import { routeValidatorCompiler, validationErrors } from '../transport/route-validation.ts';

/**
 * Admin routes validate params and querystrings as the OCPI routes do (no coercion), and
 * their bodies too: those are the operator's, not a partner's, so the route's schema reads
 * them as they are (an absent body as `{}`). A body of the wrong shape altogether is told
 * what it must be: the schema's description.
 */
export const adminValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  if (route.httpPart !== 'body') return routeValidatorCompiler(route);
  const validate = compileValidator(route.schema);
  const shape = route.schema.description;
  return (value: unknown) => {
    const result = validate(value ?? {});
    if (result.ok) return { value: result.value };
    const issues = result.errors.map((e) =>
      e.path === '' && shape ? { ...e, message: `must be ${shape}` } : e,
    );
    return { error: validationErrors(issues) };
  };
};
