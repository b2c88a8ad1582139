import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { OcpiError } from '../transport/errors.ts';

export interface ValidationIssue {
  /** JSON pointer of the offending value, '' for the root. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };

export type Validator<T> = (value: unknown) => ParseResult<T>;

const MAX_ISSUES = 10;

/** Compiles a schema once into a fast validator that reports every problem with its path. */
export function compileValidator<S extends TSchema>(schema: S): Validator<Static<S>> {
  const check = TypeCompiler.Compile(schema);
  return (value: unknown) => {
    if (check.Check(value)) return { ok: true, value };
    const errors: ValidationIssue[] = [];
    const seen = new Set<string>();
    for (const e of check.Errors(value)) {
      // TypeBox reports a missing required property once as "Expected required property"
      // and once more as a type error; keep the first word on each path.
      if (seen.has(e.path)) continue;
      seen.add(e.path);
      errors.push({ path: e.path, message: describeError(e.value, e.schema, e.message) });
      if (errors.length >= MAX_ISSUES) break;
    }
    return { ok: false, errors };
  };
}

function describeError(value: unknown, schema: TSchema, fallback: string): string {
  if (value === undefined) return 'is required';
  const known = (schema as { ocpiEnum?: readonly string[] }).ocpiEnum;
  if (known) return `must be one of ${known.join(', ')} (got ${JSON.stringify(value)})`;
  return fallback;
}

export function describeIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
}

/** Validates a request body; a mismatch becomes OCPI 2001 naming the fields. */
export function parseBody<T>(validator: Validator<T>, body: unknown, what: string): T {
  const result = validator(body);
  if (result.ok) return result.value;
  throw OcpiError.invalid(`invalid ${what}: ${describeIssues(result.errors)}`);
}
