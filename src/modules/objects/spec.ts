import type { FastifyRequest } from 'fastify';
import type { CodecContextExt } from '../../model/codecs/index.ts';
import type { JsonObject } from '../../model/json.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import type { OwnRole } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import type { ObjectModuleId } from './canonical.ts';
import type { ObjectServices } from './service.ts';

/** A JSON object in the canonical (2.3.0) shape. */
type Canonical = JsonObject;

/** A level below the root object in the URL, e.g. a Location's EVSE, then its Connector. */
export interface ChildLevel {
  /** Spec object name, for validation and rendering (e.g. 'EVSE'). */
  objectName: string;
  /** The array of the parent that holds it (e.g. 'evses'). */
  arrayField: string;
  /** Its id field (e.g. 'uid'). */
  idField: string;
}

export type { ObjectModuleId };

/** What renderContext may look up: our own objects, by module (OcpiNode is one). */
export interface RenderSources {
  readonly services: ObjectServices;
}

/**
 * What makes one module of client-owned objects (Locations, Tariffs, Tokens, Sessions,
 * CDRs) different from another; the sender, receiver, push and pull code is shared.
 */
export interface ObjectModuleSpec<M extends ObjectModuleId = ObjectModuleId> {
  id: M;
  objectName: string;
  idField: string;
  /** The role of the party that owns and publishes these objects. */
  ownerRole: OwnRole;
  /** Roles that receive them (from 2.3.0 a PTP receives locations and tariffs too). */
  receiverRoles: OwnRole[];
  /** Levels below the root, outermost first. */
  children: ChildLevel[];
  /** Tokens: the second key part, read from `?type=`, default RFID. */
  subtype?: { query: string; field: string; default: string };
  /** OCPI status for an unknown object on the receiver. */
  unknownStatus: number;
  /** Whether the receiver accepts PATCH in a version. */
  patch: (version: string) => boolean;
  /** Whether the receiver accepts DELETE (Tariffs). */
  delete: boolean;
  /** Whether the sender serves GET of one object (Locations). */
  senderGetOne: boolean;
  /**
   * Objects that travel on another module's endpoints (Bookings' BookingLocations): the
   * module whose endpoint carries them (default: `id`) and the literal URL segment below
   * that endpoint (`{url}/{country_code}/{party_id}/{segment}/{id}` on a receiver,
   * `{url}/{segment}` for a sender's list).
   */
  endpoint?: { module: string; segment?: string };
  /** The root id's URL parameter when not `{objectname}_{idField}` (e.g. `booking_location_id`). */
  idParam?: string;
  /**
   * How the receiver takes objects. `put` (default): client-owned objects, PUT (and PATCH,
   * DELETE as above) under `/{country_code}/{party_id}/{id}`. `post` (CDRs): the whole,
   * immutable object is POSTed to the module URL, answered with HTTP 201 and a `Location`
   * header where it can be read back; a second POST of the same id is refused, and there
   * is no PUT, PATCH or DELETE. The publisher then pushes a POST, once.
   */
  receive?: 'put' | 'post';
  /**
   * The one party an object is meant for, as 'CC*PID' (a Session or CDR belongs to the
   * eMSP of its token), or undefined when every partner may see it. Stored with our own
   * objects: the sender lists to a partner only those meant for one of its parties, and a
   * 2.1.1 object that arrives at our receiver is taken to be meant for us.
   */
  audience?: (object: Canonical) => string | undefined;
  /**
   * Who the publisher pushes a change to: every registered partner that receives the
   * module (`all`, default), or only the partner one of whose parties is the object's
   * `audience` (no audience: nobody).
   */
  pushTo?: 'all' | 'audience';
  /**
   * Array fields that a PATCH extends instead of replacing (a Session's
   * `charging_periods`): the receiver appends the items a PATCH brings, and the
   * publisher's PATCH carries only the new items.
   */
  appendOnPatch?: string[];
  /**
   * What rendering objects for a version needs beyond the objects themselves, looked up
   * before rendering (e.g. the Locations a 2.1.1 Session embeds).
   */
  renderContext?: (
    node: RenderSources,
    version: OcpiVersion,
    objects: Canonical[],
  ) => Promise<CodecContextExt>;
}

/** The module identifier of the endpoints that carry a module's objects. */
export function endpointModuleOf(spec: ObjectModuleSpec): string {
  return spec.endpoint?.module ?? spec.id;
}

/** The URL segment of a module's objects below their endpoint, if any (e.g. ['booking_locations']). */
export function endpointSegment(spec: ObjectModuleSpec): string[] {
  return spec.endpoint?.segment ? [spec.endpoint.segment] : [];
}

/** The audience stored with an object: 'CC*PID', or '' when every partner may see it. */
export function audienceOf(spec: ObjectModuleSpec, object: Canonical): string {
  return spec.audience?.(object)?.toUpperCase() ?? '';
}

/** The spec object name of the level a path leads to: the root's, or a child's (e.g. 'EVSE'). */
export function objectNameAt(spec: ObjectModuleSpec, path: readonly string[]): string {
  return path.length === 0
    ? spec.objectName
    : (spec.children[path.length - 1]?.objectName ?? spec.objectName);
}

/** 'CC*PID' of a party, upper case: the form audiences are kept in. */
export function partyKey(party: { countryCode: string; partyId: string }): string {
  return `${party.countryCode}*${party.partyId}`.toUpperCase();
}

/** The parties ('CC*PID') of the calling partner: what it may see of objects with an audience. */
export function callerAudiences(request: FastifyRequest): string[] {
  const caller = request.ocpi.caller;
  if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
  return caller.partner.parties.map(partyKey);
}
