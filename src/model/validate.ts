import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { OcpiError } from '../transport/errors.ts';
import type { JsonObject } from './json.ts';

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
      errors.push({ path: e.path, message: describeError(e.type, e.value, e.schema, e.message) });
      if (errors.length >= MAX_ISSUES) break;
    }
    return { ok: false, errors };
  };
}

/** Says what is wrong in words a partner's developer recognises from the spec. */
function describeError(type: ValueErrorType, value: unknown, schema: TSchema, fallback: string): string {
  if (value === undefined) return 'is required';
  // Our schemas carry ocpiEnum and ocpiType beside JSON Schema's keywords.
  const s: JsonObject = schema;
  const got = JSON.stringify(value)?.slice(0, 60);
  if (Array.isArray(s.ocpiEnum)) return `must be one of ${s.ocpiEnum.join(', ')} (got ${got})`;
  if (s.ocpiType === 'CiString' && type === ValueErrorType.StringPattern)
    return `must be printable ASCII, a CiString (got ${got})`;
  if (s.ocpiType === 'int' && typeof value === 'string') return `must be a non-negative integer (got ${got})`;
  if (s.ocpiType === 'DateTime' && typeof value === 'string')
    return `must be a DateTime such as 2024-01-31T12:00:00Z (got ${got})`;
  if (type === ValueErrorType.StringMaxLength)
    return `must be at most ${s.maxLength} characters (got ${String(value).length})`;
  if (type === ValueErrorType.ArrayMinItems && s.minItems === 1) return 'must not be empty';
  if (type === ValueErrorType.Union) return `matches none of the allowed shapes (got ${got})`;
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
