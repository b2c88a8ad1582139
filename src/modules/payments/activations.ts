import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { TerminalActivation } from '../../model/v230/payments.ts';
import type { Database } from '../../store/schema.ts';
import type { PaymentActivationTable } from '../../store/schema-payments.ts';
import { readActivationStored } from './read.ts';

type Db = Kysely<Database>;

/** A terminal activation request a CPO partner sent us (PTP side). */
export interface StoredActivation {
  /** Ours, to answer it by: terminals.put(…, { activationId }). */
  id: string;
  /** The CPO partner that asked. */
  partnerId: string;
  activation: TerminalActivation;
  receivedAt: string;
  /** Once the PTP created the Terminal for it: its terminal_id (upper-cased) and when. */
  answered?: { terminalKey: string; at: string };
}

function stored(row: Selectable<PaymentActivationTable>): StoredActivation {
  return {
    id: String(row.id),
    partnerId: row.partner_id,
    activation: readActivationStored(row.data),
    receivedAt: row.received_at.toISOString(),
    ...(row.terminal_key && row.answered_at
      ? { answered: { terminalKey: row.terminal_key, at: row.answered_at.toISOString() } }
      : {}),
  };
}

/** The activation requests (migration 011). */
export class ActivationStore {
  constructor(private readonly db: Db) {}

  async add(partnerId: string, activation: TerminalActivation, at: Date): Promise<StoredActivation> {
    const row = await this.db
      .insertInto('ocpi_payment_activations')
      .values({ partner_id: partnerId, data: JSON.stringify(activation), received_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    return stored(row);
  }

  /** All of them, oldest first; `open` only those not answered yet. */
  async list(options: { open?: boolean } = {}): Promise<StoredActivation[]> {
    const rows = await this.db
      .selectFrom('ocpi_payment_activations')
      .selectAll()
      .$if(options.open === true, (q) => q.where('answered_at', 'is', null))
      .orderBy('id')
      .execute();
    return rows.map(stored);
  }

  /**
   * The open activation a new Terminal answers, locked for the transaction: the one given by
   * id (answered or not: answering twice is refused by the caller), else the oldest open
   * one whose `reference` or `terminal_id` is the Terminal's (CiStrings: any case).
   */
  async match(
    db: Db,
    terminal: { terminal_id: string; reference?: string },
    id?: string,
  ): Promise<StoredActivation | undefined> {
    let query = db.selectFrom('ocpi_payment_activations').selectAll();
    if (id !== undefined) {
      if (!/^[0-9]{1,18}$/.test(id)) return undefined;
      query = query.where('id', '=', id);
    } else {
      const ref = terminal.reference?.toUpperCase() ?? null;
      query = query
        .where('answered_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb(sql<string>`upper(data->>'terminal_id')`, '=', terminal.terminal_id.toUpperCase()),
            ...(ref ? [eb(sql<string>`upper(data->>'reference')`, '=', ref)] : []),
          ]),
        );
    }
    const row = await query.orderBy('id').limit(1).forUpdate().executeTakeFirst();
    return row ? stored(row) : undefined;
  }

  async answer(db: Db, id: string, terminalKey: string, at: Date): Promise<void> {
    await db
      .updateTable('ocpi_payment_activations')
      .set({ terminal_key: terminalKey, answered_at: at })
      .where('id', '=', id)
      .execute();
  }
}
