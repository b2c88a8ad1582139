import type { OwnRole } from '../../partners/types.ts';

/** A level below the root object in the URL, e.g. a Location's EVSE, then its Connector. */
export interface ChildLevel {
  /** Spec object name, for validation and rendering (e.g. 'EVSE'). */
  objectName: string;
  /** The array of the parent that holds it (e.g. 'evses'). */
  arrayField: string;
  /** Its id field (e.g. 'uid'). */
  idField: string;
}

/**
 * What makes one module of client-owned objects (Locations, Tariffs, Tokens, Sessions)
 * different from another; the sender, receiver, push and pull code is shared.
 */
/** Modules of client-owned objects the node serves. */
export type ObjectModuleId = 'locations' | 'tariffs' | 'tokens';

export interface ObjectModuleSpec {
  id: ObjectModuleId;
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
}
