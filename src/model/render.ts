import { Kind, KindGuard, type TObject, type TSchema, type TUnion } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { OcpiError } from '../transport/errors.ts';
import { formatDateTime, parseDateTime } from './datetime.ts';
import { isJsonObject, type JsonObject } from './json.ts';

/** Turns a value into exactly what its schema allows: spec fields only, no nulls, DateTime in UTC with `Z`. */
export type Writer = (value: unknown) => unknown;

/**
 * A value of the type its schema asks for that is no OCPI value all the same: a DateTime
 * that names no instant of the years 0001-9999, or text with NUL or a lone surrogate,
 * which no store keeps. Thrown by writers, with the JSON path of the value.
 */
export class UnwritableValue extends OcpiError {
  constructor(
    readonly problem: string,
    readonly path = '',
  ) {
    super('OCPI_ERR_UNWRITABLE_VALUE', `${path || '/'}: ${problem}`);
    this.name = 'UnwritableValue';
  }

  /** The same problem, seen from one level further out. */
  under(segment: string | number): UnwritableValue {
    return new UnwritableValue(this.problem, `/${segment}${this.path}`);
  }
}

const identity: Writer = (value) => value;
const plans = new WeakMap<TSchema, Writer>();
/** With the `u` flag a surrogate pair is one code point: only lone surrogates match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function writeString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.includes('\u0000')) throw new UnwritableValue('must not contain NUL (\\u0000)');
  if (LONE_SURROGATE.test(value)) throw new UnwritableValue('must be Unicode text (has a lone surrogate)');
  return value;
}

function writeDateTime(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const date = parseDateTime(value);
  if (!date)
    throw new UnwritableValue(
      `must be a DateTime of the years 0001-9999, on a day its month has (got ${JSON.stringify(value.slice(0, 40))})`,
    );
  return formatDateTime(date);
}

/** Runs a writer on a part of a value, naming the part in what it throws. */
function writePart(write: Writer, value: unknown, segment: string | number): unknown {
  try {
    return write(value);
  } catch (err) {
    throw err instanceof UnwritableValue ? err.under(segment) : err;
  }
}

function objectWriter(schema: TObject): Writer {
  const fields = Object.entries(schema.properties).map(([name, sub]) => ({ name, write: writerFor(sub) }));
  return (value) => {
    if (!isJsonObject(value)) return value;
    const out: JsonObject = {};
    for (const field of fields) {
      const v = value[field.name];
      // Strict writing: an absent optional field is left out, never sent as null.
      if (v === undefined || v === null) continue;
      out[field.name] = writePart(field.write, v, field.name);
    }
    return out;
  };
}

function unionWriter(schema: TUnion): Writer {
  const branches = schema.anyOf;
  if (branches.every((b) => b[Kind] === 'Literal')) return identity;
  const compiled = branches.map((b) => ({ check: TypeCompiler.Compile(b), write: writerFor(b) }));
  return (value) => {
    const branch = compiled.find((c) => c.check.Check(value));
    return branch ? branch.write(value) : value;
  };
}

function buildWriter(schema: TSchema): Writer {
  if (KindGuard.IsObject(schema)) return objectWriter(schema);
  if (KindGuard.IsArray(schema)) {
    const item = writerFor(schema.items);
    return (value) => (Array.isArray(value) ? value.map((v, i) => writePart(item, v, i)) : value);
  }
  if (KindGuard.IsUnion(schema)) return unionWriter(schema);
  if (KindGuard.IsString(schema)) return schema.ocpiType === 'DateTime' ? writeDateTime : writeString;
  return identity;
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
