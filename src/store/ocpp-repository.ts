import type { Insertable, Kysely, Selectable } from 'kysely';
import type { JsonObject } from '../model/json.ts';
import type { Database } from './schema.ts';
import type { OcppTransactionTable } from './schema-ocpp.ts';

export type OcppTransactionRow = Selectable<OcppTransactionTable>;

/** A transaction to record, as a charger's StartTransaction gives it. */
export interface NewOcppTransaction {
  sessionId: string;
  chargerId: string;
  connectorId: number;
  startedAt: Date;
  idTag: string;
  meterStart: number;
  locationId: string;
  evseUid: string;
  commandId?: string;
  token?: string;
  accepted: boolean;
}

type Db = Kysely<Database>;

/** What a 1.6 StartTransaction retry repeats: the charger, the connector and the start time. */
const RETRY_KEY = ['charger_id', 'connector_id', 'started_at'] as const;

/** Forgets a remote start (its transaction came, or its command ended). */
export async function removeRemoteStart(db: Db, commandId: string): Promise<void> {
  await db.deleteFrom('ocpi_ocpp_remote_starts').where('command_id', '=', commandId).execute();
}

/**
 * Inserts a transaction row and, when it is new, takes the remote start it answers, in one
 * database transaction; what 1.6's StartTransaction and 2.0.1's first TransactionEvent share.
 * A conflict (on `conflictOn`, or on any unique key when absent) inserts nothing: `retried`
 * then finds the row that was there, `created` false.
 */
export function insertTransaction(
  db: Db,
  values: Insertable<OcppTransactionTable>,
  conflictOn: typeof RETRY_KEY | undefined,
  retried: (trx: Db) => Promise<OcppTransactionRow>,
): Promise<{ row: OcppTransactionRow; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('ocpi_ocpp_transactions')
      .values(values)
      .onConflict((oc) => (conflictOn ? oc.columns(conflictOn) : oc).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      if (values.command_id) await removeRemoteStart(trx, values.command_id);
      return { row: inserted, created: true };
    }
    return { row: await retried(trx), created: false };
  });
}

/** All access to the OCPP bridge's own tables (migration 015). */
export class OcppRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records a transaction and takes the remote start it answers, in one transaction.
   * A StartTransaction seen before (same charger, connector and start time: a retry)
   * gives the row it made then, `created` false.
   */
  startTransaction(row: NewOcppTransaction): Promise<{ row: OcppTransactionRow; created: boolean }> {
    return insertTransaction(
      this.db,
      {
        session_id: row.sessionId,
        charger_id: row.chargerId,
        connector_id: row.connectorId,
        started_at: row.startedAt,
        id_tag: row.idTag,
        meter_start: row.meterStart,
        location_id: row.locationId,
        evse_uid: row.evseUid,
        command_id: row.commandId ?? null,
        token: row.token ?? null,
        accepted: row.accepted,
      },
      RETRY_KEY,
      (trx) =>
        trx
          .selectFrom('ocpi_ocpp_transactions')
          .selectAll()
          .where('charger_id', '=', row.chargerId)
          .where('connector_id', '=', row.connectorId)
          .where('started_at', '=', row.startedAt)
          .executeTakeFirstOrThrow(),
    );
  }

  transaction(chargerId: string, transactionId: number): Promise<OcppTransactionRow | undefined> {
    return this.db
      .selectFrom('ocpi_ocpp_transactions')
      .selectAll()
      .where('charger_id', '=', chargerId)
      .where('transaction_id', '=', transactionId)
      .executeTakeFirst();
  }

  bySession(sessionId: string): Promise<OcppTransactionRow | undefined> {
    return this.db
      .selectFrom('ocpi_ocpp_transactions')
      .selectAll()
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
  }

  /** Marks a transaction stopped; false when it was already (a repeated StopTransaction). */
  async stop(chargerId: string, transactionId: number, at: Date): Promise<boolean> {
    const updated = await this.db
      .updateTable('ocpi_ocpp_transactions')
      .set({ stopped_at: at })
      .where('charger_id', '=', chargerId)
      .where('transaction_id', '=', transactionId)
      .where('stopped_at', 'is', null)
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  /** Keeps the short idTag of a long token uid (the first one kept stays). */
  async keepIdTag(idTag: string, tokenUid: string): Promise<void> {
    await this.db
      .insertInto('ocpi_ocpp_id_tags')
      .values({ id_tag: idTag, token_uid: tokenUid })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async uidOfIdTag(idTag: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('ocpi_ocpp_id_tags')
      .select('token_uid')
      .where('id_tag', '=', idTag)
      .executeTakeFirst();
    return row?.token_uid;
  }

  async addRemoteStart(start: {
    commandId: string;
    chargerId: string;
    connectorId?: number;
    idTag: string;
    sentAt: Date;
  }): Promise<void> {
    await this.db
      .insertInto('ocpi_ocpp_remote_starts')
      .values({
        command_id: start.commandId,
        charger_id: start.chargerId,
        connector_id: start.connectorId ?? null,
        id_tag: start.idTag,
        sent_at: start.sentAt,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  removeRemoteStart(commandId: string): Promise<void> {
    return removeRemoteStart(this.db, commandId);
  }

  /**
   * The oldest remote start sent to a charger for an idTag since `since`, on that
   * connector or on none in particular.
   */
  async remoteStart(
    chargerId: string,
    idTag: string,
    since: Date,
    connectorId?: number,
  ): Promise<string | undefined> {
    let query = this.db
      .selectFrom('ocpi_ocpp_remote_starts')
      .select('command_id')
      .where('charger_id', '=', chargerId)
      .where('id_tag', '=', idTag)
      .where('sent_at', '>=', since);
    if (connectorId !== undefined)
      query = query.where((eb) =>
        eb.or([eb('connector_id', '=', connectorId), eb('connector_id', 'is', null)]),
      );
    const row = await query.orderBy('sent_at').executeTakeFirst();
    return row?.command_id;
  }

  /** The integer reservationId of a charger reservation id, made the first time it is asked for. */
  async reservationId(chargerReservationId: string): Promise<number> {
    await this.db
      .insertInto('ocpi_ocpp_reservations')
      .values({ charger_reservation_id: chargerReservationId })
      .onConflict((oc) => oc.column('charger_reservation_id').doNothing())
      .execute();
    return (await this.knownReservationId(chargerReservationId)) ?? 0;
  }

  async knownReservationId(chargerReservationId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('ocpi_ocpp_reservations')
      .select('reservation_id')
      .where('charger_reservation_id', '=', chargerReservationId)
      .executeTakeFirst();
    return row?.reservation_id;
  }

  /**
   * The Tokens partners pushed to us with this uid (any type, any eMSP), newest first:
   * what a charger's idTag is checked against.
   */
  async receivedTokens(uid: string): Promise<JsonObject[]> {
    const rows = await this.db
      .selectFrom('ocpi_objects')
      .select('data')
      .where('module', '=', 'tokens')
      .where('owner', 'like', 'partner:%')
      .where('object_id', '=', uid)
      .orderBy('last_updated', 'desc')
      .execute();
    return rows.map((r) => r.data);
  }
}
