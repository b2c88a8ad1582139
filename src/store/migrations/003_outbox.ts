import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_outbox')
    // By default, not always: a replayed dead letter goes back under its original id.
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    // Rows go with their partner: unregistering drops what was still to be delivered.
    .addColumn('partner_id', 'text', (c) => c.notNull().references('ocpi_partners.id').onDelete('cascade'))
    .addColumn('ordering_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // json, not jsonb: the body is sent as it was rendered, key order included.
    .addColumn('headers', 'json')
    .addColumn('body', 'json')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // The oldest row of its partner and ordering key: the only one that may be claimed.
    .addColumn('is_head', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('first_failed_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('locked_until', 'timestamptz')
    .addColumn('locked_by', 'text')
    .execute();
  // A key's rows in order: finds the next head, and serves the partner foreign key.
  await db.schema
    .createIndex('ocpi_outbox_order')
    .on('ocpi_outbox')
    .columns(['partner_id', 'ordering_key', 'id'])
    .execute();
  // What the worker scans: heads only, however long the queue behind them.
  await db.schema
    .createIndex('ocpi_outbox_heads')
    .on('ocpi_outbox')
    .column('id')
    .where(sql.ref('is_head'), '=', true)
    .execute();

  await db.schema
    .createTable('ocpi_outbox_dead')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('ocpi_partners.id').onDelete('cascade'))
    .addColumn('ordering_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('headers', 'json')
    .addColumn('body', 'json')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('first_failed_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('dead_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ocpi_outbox_dead_partner')
    .on('ocpi_outbox_dead')
    .column('partner_id')
    .execute();
}
