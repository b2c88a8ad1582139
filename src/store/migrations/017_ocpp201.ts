import { type Kysely, sql } from 'kysely';

/**
 * What OCPP 2.0.1 adds to the bridge's tables (migration 015):
 *
 * - ocpi_ocpp_transactions.ocpp_transaction_id: the transactionId a 2.0.1 charger gives
 *   (a string it makes, unique per charger); null for 1.6 transactions, whose
 *   transaction_id is ours. meter_start may be null: a 2.0.1 Started event need not carry
 *   the energy register, the first reading of the transaction is its start then;
 *   meter_last is the latest reading (an Ended event need not carry one either), and
 *   evse_connector the connector of the EVSE its Started named (later events need not).
 * - ocpi_ocpp_remote_starts.remote_start_id: the integer remoteStartId a
 *   RequestStartTransaction carries, which the charger's TransactionEvent gives back.
 * - ocpi_ocpp_transaction_events: the seqNo of each TransactionEvent handled, so that one
 *   sent again (a retry after a lost answer) is handled once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ocpi_ocpp_transactions').addColumn('ocpp_transaction_id', 'text').execute();
  await db.schema.alterTable('ocpi_ocpp_transactions').addColumn('meter_last', 'bigint').execute();
  await db.schema.alterTable('ocpi_ocpp_transactions').addColumn('evse_connector', 'integer').execute();
  await db.schema
    .alterTable('ocpi_ocpp_transactions')
    .alterColumn('meter_start', (c) => c.dropNotNull())
    .execute();
  await db.schema
    .createIndex('ocpi_ocpp_transactions_ocpp_id')
    .on('ocpi_ocpp_transactions')
    .columns(['charger_id', 'ocpp_transaction_id'])
    .unique()
    .execute();
  await db.schema.alterTable('ocpi_ocpp_remote_starts').addColumn('remote_start_id', 'serial').execute();
  await db.schema
    .createTable('ocpi_ocpp_transaction_events')
    .addColumn('charger_id', 'text', (c) => c.notNull())
    .addColumn('ocpp_transaction_id', 'text', (c) => c.notNull())
    .addColumn('seq_no', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ocpi_ocpp_transaction_events_pk', [
      'charger_id',
      'ocpp_transaction_id',
      'seq_no',
    ])
    .execute();
}
