import type { CodecContext } from '../../model/codecs/types.ts';
import type { JsonObject } from '../../model/json.ts';
import { parseObject } from '../../model/objects.ts';
import type { Booking, BookingLocation } from '../../model/v230/bookings.ts';
import type { CDR } from '../../model/v230/cdrs.ts';
import type { Location } from '../../model/v230/locations.ts';
import type { Session } from '../../model/v230/sessions.ts';
import type { Tariff } from '../../model/v230/tariffs.ts';
import type { Token } from '../../model/v230/tokens.ts';
import type { ParseResult } from '../../model/validate.ts';
import type { OcpiVersion } from '../../model/versions.ts';

/**
 * The object of each module of client-owned objects, in the canonical shape: the type
 * the 2.3.0 schema gives it. What a service stores and returns, and what `put` takes.
 */
export interface CanonicalObjects {
  locations: Location;
  tariffs: Tariff;
  tokens: Token;
  sessions: Session;
  cdrs: CDR;
  /** Bookings (2.3.0): a CPO's BookingLocations, with their Calendars. */
  booking_locations: BookingLocation;
  /**
   * Bookings (2.3.0): the copies of Bookings a CPO pushed to us (eMSP), keyed by
   * request_id. A CPO's own Bookings live in their own table (modules/bookings).
   */
  bookings: Booking;
}

/** Modules of client-owned objects the node serves. */
export type ObjectModuleId = keyof CanonicalObjects;

/**
 * Reads JSON of a version as a module's canonical object (see parseObject()). Typed here,
 * once: parseObject() validated the JSON against the version's schema and the codec took
 * it to the canonical shape, which is what the 2.3.0 schema (CanonicalObjects) types.
 */
export function parseCanonical<M extends ObjectModuleId>(
  module: { id: M; objectName: string },
  version: OcpiVersion,
  json: unknown,
  context?: CodecContext,
): ParseResult<CanonicalObjects[M]> {
  const parsed = parseObject(version, module.objectName, json, context ? { context } : {});
  return parsed.ok ? { ok: true, value: parsed.value as CanonicalObjects[M] } : parsed;
}

/** A canonical object as JSON whose fields generic code reads by name (ids, owner, time). */
export function fieldsOf(object: CanonicalObjects[ObjectModuleId]): JsonObject {
  return object;
}
