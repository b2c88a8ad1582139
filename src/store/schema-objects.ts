import type { ColumnType, Generated } from 'kysely';
import type { JsonObject } from '../model/json.ts';

/** Whose copy an object row is: our own data, or what a partner pushed to our receiver. */
export type ObjectOwner = 'own' | `partner:${string}`;

/**
 * OCPI objects of every module, in the canonical (2.3.0) shape. Locations hold their EVSEs
 * and connectors inside `data`.
 */
export interface ObjectTable {
  module: string;
  owner: string;
  country_code: string;
  party_id: string;
  object_id: string;
  /** A second key part where the spec has one (token type), else ''. */
  subtype: string;
  /**
   * The party an object is meant for ('CC*PID'), where only that party may read it
   * (Sessions and CDRs go to the eMSP of their token); '' when every partner may.
   */
  audience: ColumnType<string, string | undefined, string>;
  data: ColumnType<JsonObject, string, string>;
  last_updated: ColumnType<Date, Date, Date>;
  /** Insertion order: lists are served oldest first, and paged by it (keyset). */
  seq: Generated<string>;
}

export interface ObjectTables {
  ocpi_objects: ObjectTable;
}
