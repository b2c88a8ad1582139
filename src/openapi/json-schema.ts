import { KindGuard, type TSchema } from '@sinclair/typebox';
import { isJsonObject, type JsonObject } from '../model/json.ts';
import { OcpiError } from '../transport/errors.ts';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as plain JSON. */
export interface JsonSchema {
  [keyword: string]: unknown;
}

/** Where component schemas live in an OpenAPI document. */
export const SCHEMAS_POINTER = '#/components/schemas/';

/** Keywords copied as they are: TypeBox writes standard JSON Schema for them. */
const PLAIN = new Set([
  'type',
  'required',
  'const',
  'enum',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'title',
  'description',
  'default',
  'examples',
]);

/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(['anyOf', 'allOf', 'oneOf']);

/** TypeBox-only keywords that say nothing a JSON Schema validator or reader needs. */
const DROPPED = new Set(['$id', 'ocpiOpenEnum']);

/**
 * Finds the named schema a sub-schema stands for: the same object, or TypeBox's copy of it
 * (`Type.Optional(X)` spreads X into a new object with the same keyword values).
 */
class NamedSchemas {
  private readonly byIdentity = new Map<unknown, string>();
  /** Named schemas by each object-valued keyword (properties, anyOf, items...), for the copies. */
  private readonly byPart = new Map<unknown, { schema: JsonObject; name: string }[]>();

  constructor(named: Record<string, TSchema>) {
    for (const [name, schema] of Object.entries(named)) {
      if (this.byIdentity.has(schema)) continue; // an alias: refer to the first name
      this.byIdentity.set(schema, name);
      for (const value of Object.values(schema)) {
        if (typeof value !== 'object' || value === null) continue;
        const list = this.byPart.get(value) ?? [];
        list.push({ schema, name });
        this.byPart.set(value, list);
      }
    }
  }

  nameOf(schema: JsonObject): string | undefined {
    const direct = this.byIdentity.get(schema);
    if (direct) return direct;
    for (const value of Object.values(schema)) {
      if (typeof value !== 'object' || value === null) continue;
      const match = this.byPart.get(value)?.find((c) => sameKeywords(c.schema, schema));
      if (match) return match.name;
    }
    return undefined;
  }
}

function sameKeywords(a: JsonObject, b: JsonObject): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}

/** A union of string literals: TypeBox's closed enum. */
function literalValues(anyOf: unknown[]): string[] | undefined {
  const values: string[] = [];
  for (const branch of anyOf) {
    if (!KindGuard.IsLiteralString(branch)) return undefined;
    values.push(branch.const);
  }
  return values;
}

/**
 * Turns TypeBox schemas into the plain JSON Schema of an OpenAPI document. A sub-schema that
 * is one of the named schemas becomes a `$ref` to its component; TypeBox's own markers
 * (symbols, `$id`) are left out and the OCPI annotations become `x-` keywords. A keyword it
 * does not know is an error, so that the document never says less than the validator checks.
 */
export class JsonSchemaWriter {
  private readonly named: NamedSchemas;

  constructor(named: Record<string, TSchema>) {
    this.named = new NamedSchemas(named);
  }

  /** The JSON Schema of `schema`, written in full at the top and with `$ref`s below. */
  write(schema: TSchema): JsonSchema {
    return this.body(schema, '');
  }

  /** A `$ref` to the component `schema` is, or its JSON Schema when it is none. */
  refer(schema: TSchema): JsonSchema {
    return this.sub(schema, '');
  }

  private sub(schema: unknown, path: string): JsonSchema {
    if (!isJsonObject(schema)) throw new OcpiError('OCPI_ERR_INTERNAL', `not a schema at ${path || '/'}`);
    const name = this.named.nameOf(schema);
    return name ? { $ref: `${SCHEMAS_POINTER}${name}` } : this.body(schema, path);
  }

  private body(schema: JsonObject, path: string): JsonSchema {
    const out: JsonSchema = {};
    const anyOf = schema.anyOf;
    const values = Array.isArray(anyOf) ? literalValues(anyOf) : undefined;
    // `type` first: the order a reader expects.
    const entries = Object.entries(schema).sort(([a], [b]) => Number(b === 'type') - Number(a === 'type'));
    for (const [key, value] of entries) {
      const at = `${path}/${key}`;
      if (DROPPED.has(key)) continue;
      if (key === 'anyOf' && values) {
        out.type = 'string';
        out.enum = values;
      } else if (PLAIN.has(key)) out[key] = value;
      else if (SCHEMA_LISTS.has(key) && Array.isArray(value))
        out[key] = value.map((s, i) => this.sub(s, `${at}/${i}`));
      else if (key === 'items' || key === 'not') out[key] = this.sub(value, at);
      else if (key === 'additionalProperties')
        out[key] = typeof value === 'boolean' ? value : this.sub(value, at);
      else if (key === 'properties' && isJsonObject(value))
        out[key] = Object.fromEntries(Object.entries(value).map(([p, s]) => [p, this.sub(s, `${at}/${p}`)]));
      else if (key === 'ocpiType') out['x-ocpi-type'] = value;
      else if (key === 'ocpiEnum') {
        // A closed enum already lists its values in `enum`; an open one documents them.
        if (schema.ocpiOpenEnum === true) out['x-extensible-enum'] = value;
      } else throw new OcpiError('OCPI_ERR_INTERNAL', `cannot write JSON Schema keyword ${key} at ${at}`);
    }
    return out;
  }
}
