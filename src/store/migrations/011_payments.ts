import type { Kysely } from 'kysely';

/**
 * Payments (OCPI 2.3.0): payment Terminals and FinancialAdviceConfirmations, ours (PTP side,
 * `partner_id` '') and those a PTP partner posted to us (CPO side, `partner_id` its id), and
 * the terminal activation requests a CPO sent us (PTP side). `linked` of our own rows holds
 * the CPO partners a row was sent to: only they may read or change it. FACs are found by
 * authorization_reference, the link to a Session and a CDR.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_payment_terminals')
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('terminal_id', 'text', (c) => c.notNull())
    .addColumn('linked', 'jsonb', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('last_updated', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull().generatedByDefaultAsIdentity())
    .addPrimaryKeyConstraint('ocpi_payment_terminals_pk', ['partner_id', 'terminal_id'])
    .execute();
  await db.schema
    .createTable('ocpi_payment_facs')
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('authorization_reference', 'text', (c) => c.notNull())
    .addColumn('linked', 'jsonb', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('last_updated', 'timestamptz', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull().generatedByDefaultAsIdentity())
    .addPrimaryKeyConstraint('ocpi_payment_facs_pk', ['partner_id', 'id'])
    .execute();
  await db.schema
    .createIndex('ocpi_payment_facs_authorization')
    .on('ocpi_payment_facs')
    .column('authorization_reference')
    .execute();
  await db.schema
    .createTable('ocpi_payment_activations')
    .addColumn('id', 'bigint', (c) => c.notNull().generatedByDefaultAsIdentity().primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .execute();
}
