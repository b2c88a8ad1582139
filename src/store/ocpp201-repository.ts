import { type Kysely, sql } from 'kysely';
import { insertTransaction, type OcppTransactionRow, removeRemoteStart } from './ocpp-repository.ts';
import type { Database } from './schema.ts';

/** A transaction to record, as a 2.0.1 charger's first TransactionEvent gives it. */
export interface NewOcpp201Transaction {
  sessionId: string;
  chargerId: string;
  /** The charger's transactionId. */
  ocppTransactionId: string;
  /** The evseId. */
  evseId: number;
  /** The connector of that EVSE, when the event names it. */
  connector?: number;
  startedAt: Date;
  idToken: string;
  /** Wh, when the first event carries the energy register. */
  meterStart?: number;
  locationId: string;
  evseUid: string;
  commandId?: string;
  token?: string;
  accepted: boolean;
}

/** What authorizing a transaction later (its idToken came after its start) sets. */
export interface Ocpp201Authorization {
  idToken: string;
  /** Wh, the energy register when it was authorized: where its Session's energy starts. */
  meterStart?: number;
  commandId?: string;
  token?: string;
}

type Db = Kysely<Database>;

/** A charger's transaction by the transactionId it gave it. */
function byOcppTransactionId(
  db: Db,
  chargerId: string,
  ocppTransactionId: string,
): Promise<OcppTransactionRow | undefined> {
  return db
    .selectFrom('ocpi_ocpp_transactions')
    .selectAll()
    .where('charger_id', '=', chargerId)
    .where('ocpp_transaction_id', '=', ocppTransactionId)
    .executeTakeFirst();
}

/**
 * The OCPP 2.0.1 queries of the bridge's tables (migrations 015 and 016): 2.0.1
 * transactions share ocpi_ocpp_transactions with 1.6 ones (transaction_id is then only
 * the row's key; the charger's own id is ocpp_transaction_id).
 */
export class Ocpp201Repository {
  constructor(private readonly db: Db) {}

  /** The remoteStartId of a remote start noted with OcppRepository.addRemoteStart(). */
  async remoteStartId(commandId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('ocpi_ocpp_remote_starts')
      .select('remote_start_id')
      .where('command_id', '=', commandId)
      .executeTakeFirst();
    return row?.remote_start_id;
  }

  /** The START_SESSION a remoteStartId was sent for, by that charger, since `since`. */
  async commandOfRemoteStart(
    chargerId: string,
    remoteStartId: number,
    since: Date,
  ): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('ocpi_ocpp_remote_starts')
      .select('command_id')
      .where('charger_id', '=', chargerId)
      .where('remote_start_id', '=', remoteStartId)
      .where('sent_at', '>=', since)
      .executeTakeFirst();
    return row?.command_id;
  }

  /**
   * Records a transaction and takes the remote start it answers, in one transaction. A
   * transactionId seen before gives the row made then, `created` false.
   */
  startTransaction(row: NewOcpp201Transaction): Promise<{ row: OcppTransactionRow; created: boolean }> {
    return insertTransaction(
      this.db,
      {
        session_id: row.sessionId,
        charger_id: row.chargerId,
        ocpp_transaction_id: row.ocppTransactionId,
        connector_id: row.evseId,
        evse_connector: row.connector ?? null,
        started_at: row.startedAt,
        id_tag: row.idToken,
        meter_start: row.meterStart ?? null,
        location_id: row.locationId,
        evse_uid: row.evseUid,
        command_id: row.commandId ?? null,
        token: row.token ?? null,
        accepted: row.accepted,
      },
      undefined,
      async (trx) => {
        const existing = await byOcppTransactionId(trx, row.chargerId, row.ocppTransactionId);
        // Another transaction of the same EVSE and start time (1.6's retry key) took the slot.
        if (!existing)
          throw new Error(`transaction ${row.ocppTransactionId}: its EVSE started another at that time`);
        return existing;
      },
    );
  }

  transaction(chargerId: string, ocppTransactionId: string): Promise<OcppTransactionRow | undefined> {
    return byOcppTransactionId(this.db, chargerId, ocppTransactionId);
  }

  /** Accepts a transaction whose idToken came after its start; false when it was already. */
  async authorize(
    row: OcppTransactionRow,
    authorization: Ocpp201Authorization,
  ): Promise<OcppTransactionRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('ocpi_ocpp_transactions')
        .set({
          accepted: true,
          id_tag: authorization.idToken,
          command_id: authorization.commandId ?? null,
          token: authorization.token ?? null,
          ...(authorization.meterStart !== undefined ? { meter_start: authorization.meterStart } : {}),
        })
        .where('transaction_id', '=', row.transaction_id)
        .where('accepted', '=', false)
        .returningAll()
        .executeTakeFirst();
      if (updated && authorization.commandId) await removeRemoteStart(trx, authorization.commandId);
      return updated;
    });
  }

  /**
   * Notes an energy register reading of a transaction: its latest, and its start when it
   * had none. Gives the start, Wh.
   */
  async reading(row: OcppTransactionRow, wh: number): Promise<number> {
    const updated = await this.db
      .updateTable('ocpi_ocpp_transactions')
      .set({ meter_last: wh, meter_start: sql<number>`coalesce(meter_start, ${wh})` })
      .where('transaction_id', '=', row.transaction_id)
      .returning('meter_start')
      .executeTakeFirst();
    return Number(updated?.meter_start ?? wh);
  }

  /** Whether a TransactionEvent (by its seqNo) was handled already. */
  async seen(chargerId: string, ocppTransactionId: string, seqNo: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('ocpi_ocpp_transaction_events')
      .select('seq_no')
      .where('charger_id', '=', chargerId)
      .where('ocpp_transaction_id', '=', ocppTransactionId)
      .where('seq_no', '=', seqNo)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Notes a TransactionEvent handled. */
  async handled(chargerId: string, ocppTransactionId: string, seqNo: number): Promise<void> {
    await this.db
      .insertInto('ocpi_ocpp_transaction_events')
      .values({ charger_id: chargerId, ocpp_transaction_id: ocppTransactionId, seq_no: seqNo })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
