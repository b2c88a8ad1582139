import type { Kysely } from 'kysely';

/**
 * Payments (OCPI 2.3.0): payment Terminals and FinancialAdviceConfirmations in one table
 * (`kind` 'terminal' or 'fac': they are kept, found and listed the same way), ours (PTP side,
 * `partner_id` '') and those a PTP partner posted to us (CPO side, `partner_id` its id), and
 * the terminal activation requests a CPO sent us (PTP side).
 *
 * - `object_key` is the object's id upper-cased: terminal_id and FAC id are CiStrings, so
 *   'term-1' and 'TERM-1' are one row; `data` keeps the id as last sent.
 * - `linked` of our own rows holds the CPO partners a row was sent to: only they may read or
 *   change it.
 * - `authorization_key` (FACs): the authorization_reference upper-cased, the link to a
 *   Session and a CDR.
 * - `deactivated_at` (Terminals): when a CPO deactivated it; cleared when the PTP posts it again.
 * - An activation is `answered_at` once the PTP created its Terminal (`terminal_key`).
 *
 * Not shipped before these columns: edited in place (no later migration uses these tables).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_payment_objects')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('object_key', 'text', (c) => c.notNull())
    .addColumn('linked', 'jsonb', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('authorization_key', 'text')
    .addColumn('deactivated_at', 'timestamptz')
    .addColumn('last_updated', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull().generatedByDefaultAsIdentity())
    .addPrimaryKeyConstraint('ocpi_payment_objects_pk', ['kind', 'partner_id', 'object_key'])
    .execute();
  await db.schema
    .createIndex('ocpi_payment_objects_authorization')
    .on('ocpi_payment_objects')
    .column('authorization_key')
    .execute();
  await db.schema
    .createTable('ocpi_payment_activations')
    .addColumn('id', 'bigint', (c) => c.notNull().generatedByDefaultAsIdentity().primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('terminal_key', 'text')
    .addColumn('answered_at', 'timestamptz')
    .execute();
}
