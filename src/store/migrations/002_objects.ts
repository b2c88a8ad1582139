import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_objects')
    .addColumn('module', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('country_code', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('subtype', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('audience', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('last_updated', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull().generatedByDefaultAsIdentity())
    .addPrimaryKeyConstraint('ocpi_objects_pk', [
      'module',
      'owner',
      'country_code',
      'party_id',
      'object_id',
      'subtype',
    ])
    .execute();
  await db.schema
    .createIndex('ocpi_objects_seq')
    .on('ocpi_objects')
    .columns(['module', 'owner', 'seq'])
    .unique()
    .execute();
  await db.schema
    .createIndex('ocpi_objects_updated')
    .on('ocpi_objects')
    .columns(['module', 'owner', 'last_updated'])
    .execute();
}
