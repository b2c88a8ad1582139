import { type Kysely, type Selectable, sql } from 'kysely';
import { OcpiError } from '../transport/errors.ts';
import type { IndexRow, IndexSource } from './object-index.ts';
import type { Database } from './schema.ts';
import type { ObjectTable } from './schema-objects.ts';

/** Object ids a statement asks for at most when an index refreshes the objects that changed. */
const IDS_PER_READ = 1000;

/** What the index of a list reads of each row. */
const INDEX_COLUMNS = [
  'seq',
  'country_code',
  'party_id',
  'object_id',
  'subtype',
  'last_updated',
  'audience',
] as const;

function indexRowOf(row: Pick<Selectable<ObjectTable>, (typeof INDEX_COLUMNS)[number]>): IndexRow {
  return {
    seq: Number(row.seq),
    countryCode: row.country_code,
    partyId: row.party_id,
    objectId: row.object_id,
    subtype: row.subtype,
    lastUpdated: new Date(row.last_updated).getTime(),
    audience: row.audience,
  };
}

/** The rows of a whole list as one JSON text made by the store (see indexSource()), read back. */
function indexRowsOf(text: string | null | undefined): IndexRow[] {
  const rows: unknown = JSON.parse(text ?? '[]');
  if (!Array.isArray(rows)) throw new OcpiError('OCPI_ERR_INTERNAL', 'the index rows are no JSON array');
  return rows.map((row: unknown) => {
    if (!Array.isArray(row) || row.length !== 7)
      throw new OcpiError('OCPI_ERR_INTERNAL', 'an index row is no array of 7 values');
    const [seq, countryCode, partyId, objectId, subtype, lastUpdated, audience] = row.map(String);
    return {
      seq: Number(seq),
      countryCode: countryCode ?? '',
      partyId: partyId ?? '',
      objectId: objectId ?? '',
      subtype: subtype ?? '',
      lastUpdated: Number(lastUpdated),
      audience: audience ?? '',
    };
  });
}

/** Where the index of one list (`module|owner`) reads its rows. */
export function indexSource(db: Kysely<Database>, module: string, owner: string): IndexSource {
  const rows = () =>
    db
      .selectFrom('ocpi_objects')
      .select(INDEX_COLUMNS)
      .where('module', '=', module)
      .where('owner', '=', owner);
  return {
    // One JSON text for the whole list: an embedded store hands rows over field by field,
    // which for 100,000 rows takes several times as long as the text.
    all: async (limit) => {
      const list = rows().orderBy('seq').limit(limit).as('list');
      const { text } = await db
        .selectFrom(list)
        .select(
          sql<
            string | null
          >`json_agg(json_build_array(list.seq, list.country_code, list.party_id, list.object_id, list.subtype, floor(extract(epoch from list.last_updated) * 1000), list.audience) order by list.seq)::text`.as(
            'text',
          ),
        )
        .executeTakeFirstOrThrow();
      return indexRowsOf(text);
    },
    ofIds: async (ids) => {
      const found: IndexRow[] = [];
      for (let i = 0; i < ids.length; i += IDS_PER_READ) {
        const some = await rows()
          .where('object_id', 'in', ids.slice(i, i + IDS_PER_READ))
          .execute();
        found.push(...some.map(indexRowOf));
      }
      return found;
    },
  };
}
