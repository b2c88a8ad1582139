import type { TSchema } from '@sinclair/typebox';
import { OcpiError } from '../transport/errors.ts';
import { catalogs } from './catalog.ts';
import { codecs } from './codecs/index.ts';
import type { CodecContext } from './codecs/types.ts';
import { isJsonObject, type JsonObject } from './json.ts';
import { UnwritableValue, writerFor } from './render.ts';
import { compileValidator, type ParseResult, type Validator } from './validate.ts';
import { isSupportedVersion, type OcpiVersion } from './versions.ts';

/** The version whose shapes are the canonical model. */
export const CANONICAL_VERSION: OcpiVersion = '2.3.0';

const validators = new Map<TSchema, Validator<unknown>>();

function validatorFor(schema: TSchema): Validator<unknown> {
  let v = validators.get(schema);
  if (!v) {
    v = compileValidator(schema);
    validators.set(schema, v);
  }
  return v;
}

/** The kind of shape asked for: a whole object, or the body of a PATCH. */
export type ObjectShape = 'object' | 'patch';

export function schemaOf(version: string, objectName: string, shape: ObjectShape = 'object'): TSchema {
  if (!isSupportedVersion(version))
    throw new OcpiError('OCPI_ERR_UNSUPPORTED_VERSION', `unsupported OCPI version ${version}`);
  const catalog = catalogs[version];
  const schema = shape === 'patch' ? catalog.patches[objectName] : catalog.objects[objectName];
  if (!schema)
    throw new OcpiError(
      'OCPI_ERR_INVALID_ARGUMENT',
      `OCPI ${version} has no ${shape === 'patch' ? 'PATCH shape of ' : ''}${objectName}`,
    );
  return schema;
}

/** Names of the objects, classes and enums of a version. */
export function objectNames(version: OcpiVersion): string[] {
  return Object.keys(catalogs[version].objects);
}

/**
 * `?` and `*` fields may arrive as null, which means absent. Returns the value itself
 * when it holds no null property, so the common case allocates nothing.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = withoutNulls(value[i]);
      if (item === value[i]) continue;
      copy ??= value.slice();
      copy[i] = item;
    }
    return copy ?? value;
  }
  if (!isJsonObject(value)) return value;
  let copy: JsonObject | undefined;
  const source: JsonObject = value;
  for (const key in source) {
    const v = source[key];
    if (v === null) {
      copy ??= { ...source };
      delete copy[key];
      continue;
    }
    const cleaned = withoutNulls(v);
    if (cleaned === v) continue;
    copy ??= { ...source };
    copy[key] = cleaned;
  }
  return copy ?? value;
}

/**
 * Checks a value against a version's schema (an object, a class or an enum) the liberal
 * way parseObject() reads partners' objects, and writes it as that schema allows.
 */
export function checkValue(
  version: OcpiVersion,
  name: string,
  json: unknown,
  shape: ObjectShape = 'object',
): ParseResult<unknown> {
  const schema = schemaOf(version, name, shape);
  const checked = validatorFor(schema)(withoutNulls(json));
  if (!checked.ok) return checked;
  try {
    return { ok: true, value: writerFor(schema)(checked.value) };
  } catch (err) {
    if (!(err instanceof UnwritableValue)) throw err;
    return { ok: false, errors: [{ path: err.path, message: err.problem }] };
  }
}

/**
 * Reads a partner's JSON as an object of a version: validated liberally (unknown fields
 * ignored, DateTime with or without `Z`), normalised, and converted to the canonical shape.
 * Errors name the JSON path and the problem.
 */
export function parseObject(
  version: OcpiVersion,
  objectName: string,
  json: unknown,
  options: { shape?: ObjectShape; context?: CodecContext } = {},
): ParseResult<JsonObject> {
  const checked = checkValue(version, objectName, json, options.shape);
  if (!checked.ok) return checked;
  const clean = checked.value;
  if (!isJsonObject(clean))
    return { ok: false, errors: [{ path: '', message: `${objectName} is no object` }] };
  const codec = options.shape === 'patch' ? undefined : codecs[version][objectName];
  return { ok: true, value: codec ? codec.decode(clean, options.context ?? {}) : clean };
}

/** Writes a canonical object in a version's shape: only that version's fields, no nulls, DateTime in UTC with `Z`. */
export function renderObject(
  version: OcpiVersion,
  objectName: string,
  canonical: JsonObject,
  options: { shape?: ObjectShape; context?: CodecContext } = {},
): JsonObject {
  const schema = schemaOf(version, objectName, options.shape);
  const codec = options.shape === 'patch' ? undefined : codecs[version][objectName];
  const written = writerFor(schema)(codec ? codec.encode(canonical, options.context ?? {}) : canonical);
  // The writer of an object schema gives an object for an object.
  return isJsonObject(written) ? written : {};
}
