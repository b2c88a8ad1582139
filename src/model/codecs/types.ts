import type { JsonObject } from '../json.ts';

/**
 * What a codec may need beyond the object itself: 2.1.1 objects carry no owner, so the
 * party that sent or owns them is supplied by the caller (from the URL or the partner).
 */
export interface CodecContext {
  countryCode?: string;
  partyId?: string;
}

/**
 * Converts one object between a version's shape and the canonical shape (2.3.0, the
 * newest and a superset). Inputs are already validated against their schema.
 */
export interface Codec {
  /** Version shape → canonical. */
  decode(value: JsonObject, ctx: CodecContext): JsonObject;
  /** Canonical → version shape (fields the version cannot express are dropped). */
  encode(value: JsonObject, ctx: CodecContext): JsonObject;
}
