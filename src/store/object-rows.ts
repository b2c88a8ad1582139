import type { ExpressionBuilder, Kysely, OnConflictBuilder, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { ObjectTable } from './schema-objects.ts';

/** Identifies one stored object. */
export interface ObjectKey {
  module: string;
  /** 'own', or 'partner:<id>' for what a partner pushed to us. */
  owner: string;
  countryCode: string;
  partyId: string;
  objectId: string;
  subtype?: string;
}

export interface StoredObject<T> {
  key: ObjectKey;
  data: T;
  lastUpdated: Date;
  seq: string;
}

/** One object to write: its key, the object, and its last_updated. */
export interface ObjectWrite<T> {
  key: ObjectKey;
  data: T;
  lastUpdated: Date;
}

type Db = Kysely<Database>;

/** The row of one key, for select and delete alike. */
export function matchesKey(key: ObjectKey) {
  return (eb: ExpressionBuilder<Database, 'ocpi_objects'>) =>
    eb.and([
      eb('module', '=', key.module),
      eb('owner', '=', key.owner),
      eb('country_code', '=', key.countryCode.toUpperCase()),
      eb('party_id', '=', key.partyId.toUpperCase()),
      eb('object_id', '=', key.objectId),
      eb('subtype', '=', key.subtype ?? ''),
    ]);
}

export function where(db: Db, key: ObjectKey) {
  return db.selectFrom('ocpi_objects').where(matchesKey(key));
}

export const KEY_COLUMNS = ['module', 'owner', 'country_code', 'party_id', 'object_id', 'subtype'] as const;

export type Row = ReturnType<typeof toRow>;

/** An object's key as one string, as rowKey() gives it for its row. */
export function objectKeyString(key: ObjectKey): string {
  return rowKey(keyColumns(key));
}

/** The key columns of an object's row. */
function keyColumns(key: ObjectKey) {
  return {
    module: key.module,
    owner: key.owner,
    country_code: key.countryCode.toUpperCase(),
    party_id: key.partyId.toUpperCase(),
    object_id: key.objectId,
    subtype: key.subtype ?? '',
  };
}

/** The key of a row as one string. */
export function rowKey(row: Pick<Row, (typeof KEY_COLUMNS)[number]>): string {
  return KEY_COLUMNS.map((c) => row[c]).join('\u0000');
}

/** A row whose key is stored already replaces it; with `unlessOlder`, unless the stored one is newer. */
export function replaceOnConflict(oc: OnConflictBuilder<Database, 'ocpi_objects'>, unlessOlder: boolean) {
  const replace = oc.columns(KEY_COLUMNS).doUpdateSet({
    data: (eb) => eb.ref('excluded.data'),
    last_updated: (eb) => eb.ref('excluded.last_updated'),
    audience: (eb) => eb.ref('excluded.audience'),
  });
  return unlessOlder ? replace.whereRef('ocpi_objects.last_updated', '<=', 'excluded.last_updated') : replace;
}

export function toRow(key: ObjectKey, data: object, lastUpdated: Date, audience: string) {
  return {
    ...keyColumns(key),
    audience,
    data: JSON.stringify(data),
    last_updated: lastUpdated,
  };
}

export function toStored<T>(row: Selectable<ObjectTable>): StoredObject<T> {
  return {
    key: {
      module: row.module,
      owner: row.owner,
      countryCode: row.country_code,
      partyId: row.party_id,
      objectId: row.object_id,
      subtype: row.subtype,
    },
    // Rows are written from the repository's objects (put, insert): what comes back is one.
    data: row.data as T,
    lastUpdated: new Date(row.last_updated),
    seq: String(row.seq),
  };
}
