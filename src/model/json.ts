/**
 * Arbitrary JSON: what a partner (or a user) sends before a schema has read it, and what
 * code walking any object by field names (codecs, extension bags) holds. Once a schema
 * has read a value, it has that schema's type instead.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/**
 * A JSON object whose fields are not known yet. Its values are `unknown`, not JsonValue:
 * typed objects (a v230 Location) are JsonObjects too, and a field read from one must be
 * checked before use either way.
 */
export type JsonObject = { [field: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects in a list field; anything else in it, or a field that is no list, gives none. */
export function objectsIn(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}
