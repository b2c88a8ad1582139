import {
  type SchemaOptions,
  type Static,
  type TLiteral,
  type TObject,
  type TProperties,
  type TSchema,
  type TString,
  type TUnion,
  Type,
} from '@sinclair/typebox';

/**
 * The building blocks every OCPI schema is made of (types chapter of each version).
 * Schemas built from these are at once the TypeScript type, the validator and the serializer.
 */

/** string(n): case-sensitive, at most n characters. */
export function Str(maxLength: number, options: SchemaOptions = {}): TString {
  return Type.String({ maxLength, ...options });
}

/** Printable ASCII, what a CiString may hold (no control characters, nothing beyond `~`). */
export const PRINTABLE_ASCII_PATTERN = '^[\\x20-\\x7E]*$';

/** CiString(n): printable ASCII, compared case-insensitively, at most n characters (no limit when the spec gives none). */
export function CiString(maxLength?: number, options: SchemaOptions = {}): TString {
  return Type.String({
    ...(maxLength === undefined ? {} : { maxLength }),
    pattern: PRINTABLE_ASCII_PATTERN,
    ...options,
    ocpiType: 'CiString',
  });
}

/**
 * DateTime as partners send it: `Z` optional, fractions optional, an offset tolerated.
 * Read liberally here; always written as UTC with `Z` (see model/datetime.ts).
 */
export const DATE_TIME_PATTERN =
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])[Tt]([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})?$';
export function DateTime(options: SchemaOptions = {}): TString {
  return Type.String({ pattern: DATE_TIME_PATTERN, ...options, ocpiType: 'DateTime' });
}

/** URL: an absolute URL of at most 255 characters. */
export function Url(options: SchemaOptions = {}): TString {
  return Type.String({ maxLength: 255, ...options, ocpiType: 'URL' });
}

/** decimal: a JSON number. */
export function Decimal(options: SchemaOptions = {}) {
  return Type.Number({ ...options, ocpiType: 'decimal' });
}

/** int: a JSON integer. */
export function Int(options: SchemaOptions = {}) {
  return Type.Integer(options);
}

/** A closed enum: a value outside the list is an error. */
export function Enum<const V extends readonly string[]>(
  values: V,
  options: SchemaOptions = {},
): TUnion<TLiteral<V[number]>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    { ...options, ocpiEnum: values },
  );
}

/**
 * An open enum (2.3.0 `_OpenEnum_`): the known values are documented and typed, an
 * unknown value is kept as it came.
 */
export function OpenEnum<const V extends readonly string[]>(values: V, options: SchemaOptions = {}) {
  return Type.Unsafe<V[number] | (string & {})>(
    Type.String({ ...options, ocpiEnum: values, ocpiOpenEnum: true }),
  );
}

/** `+` cardinality: a non-empty array. */
export function NonEmpty<T extends TSchema>(item: T, options: SchemaOptions = {}) {
  return Type.Array(item, { minItems: 1, ...options });
}

/** `*` cardinality: an optional array (absent and empty are both fine). */
export function Many<T extends TSchema>(item: T, options: SchemaOptions = {}) {
  return Type.Optional(Type.Array(item, options));
}

/** `?` cardinality. */
export const Opt = Type.Optional;

/**
 * An OCPI object: unknown properties are allowed (and ignored) on read. Use for every
 * object and class so that partners' extra fields never cause a rejection.
 */
export function Obj<P extends TProperties>(properties: P, options: SchemaOptions = {}): TObject<P> {
  return Type.Object(properties, { additionalProperties: true, ...options });
}

/**
 * The PATCH shape of an object: every property optional except `keep` (normally
 * `last_updated`, which the spec requires on every PATCH).
 */
export function PatchOf<P extends TProperties, const K extends keyof P & string>(
  schema: TObject<P>,
  keep: readonly K[] = [],
) {
  const partial = Type.Partial(Type.Omit(schema, keep));
  const kept = Type.Pick(schema, keep);
  return Type.Composite([partial, kept], { additionalProperties: true });
}

export type { Static };
