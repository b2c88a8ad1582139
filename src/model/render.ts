import { Kind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { formatDateTime, parseDateTime } from '../transport/datetime.ts';

/** Turns a value into exactly what its schema allows: spec fields only, no nulls, DateTime in UTC with `Z`. */
export type Writer = (value: unknown) => unknown;

const identity: Writer = (value) => value;
const plans = new WeakMap<TSchema, Writer>();

function writeDateTime(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const date = parseDateTime(value);
  return date ? formatDateTime(date) : value;
}

function objectWriter(schema: TSchema): Writer {
  const entries = Object.entries((schema as unknown as { properties: Record<string, TSchema> }).properties);
  const fields = entries.map(([name, sub]) => ({ name, write: writerFor(sub) }));
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      const v = source[field.name];
      // Strict writing: an absent optional field is left out, never sent as null.
      if (v === undefined || v === null) continue;
      out[field.name] = field.write(v);
    }
    return out;
  };
}

function unionWriter(schema: TSchema): Writer {
  const branches = (schema as unknown as { anyOf: TSchema[] }).anyOf;
  if (branches.every((b) => b[Kind] === 'Literal')) return identity;
  const compiled = branches.map((b) => ({ check: TypeCompiler.Compile(b), write: writerFor(b) }));
  return (value) => {
    const branch = compiled.find((c) => c.check.Check(value));
    return branch ? branch.write(value) : value;
  };
}

function buildWriter(schema: TSchema): Writer {
  switch (schema[Kind]) {
    case 'Object':
      return objectWriter(schema);
    case 'Array': {
      const item = writerFor((schema as unknown as { items: TSchema }).items);
      return (value) => (Array.isArray(value) ? value.map(item) : value);
    }
    case 'Union':
      return unionWriter(schema);
    case 'String':
      return (schema as { ocpiType?: string }).ocpiType === 'DateTime' ? writeDateTime : identity;
    default:
      return identity;
  }
}

/** The writer of a schema, built once per schema and reused. */
export function writerFor(schema: TSchema): Writer {
  let plan = plans.get(schema);
  if (!plan) {
    // Set a forwarding stub first so that self-referencing schemas terminate.
    let built: Writer = identity;
    plans.set(schema, (v) => built(v));
    built = buildWriter(schema);
    plan = built;
    plans.set(schema, plan);
  }
  return plan;
}
