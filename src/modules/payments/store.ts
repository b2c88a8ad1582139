import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { parseDateTime } from '../../model/datetime.ts';
import type { Terminal } from '../../model/v230/payments.ts';
import type { Database } from '../../store/schema.ts';
import {
  OWN_PAYMENTS,
  type PaymentObjectKind,
  type PaymentObjectTable,
} from '../../store/schema-payments.ts';
import type { PageRequest } from '../../transport/pagination.ts';
import { ActivationStore } from './activations.ts';
import { asFac, asTerminal, type ReceivedFac } from './read.ts';

export { OWN_PAYMENTS };

type Db = Kysely<Database>;

/** The key of a CiString id: terminal_id and FAC id compare case-insensitively. */
export function keyOf(id: string): string {
  return id.toUpperCase();
}

/** A payments row as kept: whose it is ('' ours, else the PTP partner's), and who it was sent to. */
export interface StoredRow<T> {
  partnerId: string;
  object: T;
  /** Our own rows: the CPO partners it was posted to. */
  linked: string[];
  /** Terminals: when a CPO deactivated it (ISO DateTime). */
  deactivatedAt?: string;
}

/** A page of a list, and how many match in all. */
export interface PaymentsPage<T> {
  items: T[];
  total: number;
}

/**
 * Who may see which rows of a list: our own rows linked to a partner, a partner's rows, or
 * all received ones; `active` leaves deactivated Terminals out.
 */
export type RowFilter = ({ linkedTo: string } | { partnerId: string } | { received: true }) & {
  active?: boolean;
};

/** How a row is written: the list of partners it is linked to, and its deactivation. */
export interface RowWrite {
  linked?: string[];
  /** undefined keeps the stored deactivation (none for a new row), null clears it. */
  deactivatedAt?: Date | null;
}

/** What differs between the kinds the table keeps. */
interface KindOf<T> {
  kind: PaymentObjectKind;
  /** A stored (already checked) object, typed. */
  read: (data: unknown) => T;
  id: (object: T) => string;
  authorization?: (object: T) => string;
}

/**
 * Terminals or FACs in `ocpi_payment_objects` (migration 011): one piece of storage for
 * both, keyed by (kind, partner, upper-cased id).
 */
export class PaymentObjects<T extends { last_updated: string }> {
  constructor(
    private readonly db: Db,
    private readonly of: KindOf<T>,
  ) {}

  private stored(row: Selectable<PaymentObjectTable>): StoredRow<T> {
    return {
      partnerId: row.partner_id,
      object: this.of.read(row.data),
      linked: row.linked,
      ...(row.deactivated_at ? { deactivatedAt: row.deactivated_at.toISOString() } : {}),
    };
  }

  private rows(db: Db = this.db) {
    return db.selectFrom('ocpi_payment_objects').where('kind', '=', this.of.kind);
  }

  async put(partnerId: string, object: T, write: RowWrite = {}, db: Db = this.db): Promise<void> {
    const fields = {
      linked: JSON.stringify([...new Set(write.linked ?? [])]),
      data: JSON.stringify(object),
      authorization_key: this.of.authorization ? keyOf(this.of.authorization(object)) : null,
      last_updated: parseDateTime(object.last_updated) ?? new Date(0),
      ...(write.deactivatedAt !== undefined ? { deactivated_at: write.deactivatedAt } : {}),
    };
    const key = { kind: this.of.kind, partner_id: partnerId, object_key: keyOf(this.of.id(object)) };
    await db
      .insertInto('ocpi_payment_objects')
      .values({ ...key, ...fields })
      .onConflict((oc) => oc.columns(['kind', 'partner_id', 'object_key']).doUpdateSet(fields))
      .execute();
  }

  /** One row; with `forUpdate` (in a transaction) locked until it ends: read-modify-write. */
  async get(
    partnerId: string,
    id: string,
    options: { db?: Db; forUpdate?: boolean } = {},
  ): Promise<StoredRow<T> | undefined> {
    const row = await this.rows(options.db)
      .selectAll()
      .where('partner_id', '=', partnerId)
      .where('object_key', '=', keyOf(id))
      .$if(options.forUpdate === true, (q) => q.forUpdate())
      .executeTakeFirst();
    return row ? this.stored(row) : undefined;
  }

  /** The rows of that id that partners posted to us (one, unless two PTPs use the same id). */
  async received(id: string, db: Db = this.db, forUpdate = false): Promise<StoredRow<T>[]> {
    const rows = await this.rows(db)
      .selectAll()
      .where('partner_id', '<>', OWN_PAYMENTS)
      .where('object_key', '=', keyOf(id))
      .orderBy('seq')
      .$if(forUpdate, (q) => q.forUpdate())
      .execute();
    return rows.map((r) => this.stored(r));
  }

  async list(filter: RowFilter, page?: PageRequest): Promise<PaymentsPage<StoredRow<T>>> {
    let query = this.rows();
    if ('linkedTo' in filter)
      query = query
        .where('partner_id', '=', OWN_PAYMENTS)
        .where(sql<boolean>`linked @> ${JSON.stringify([filter.linkedTo])}::jsonb`);
    else if ('partnerId' in filter) query = query.where('partner_id', '=', filter.partnerId);
    else query = query.where('partner_id', '<>', OWN_PAYMENTS);
    if (filter.active) query = query.where('deactivated_at', 'is', null);
    if (page?.dateFrom) query = query.where('last_updated', '>=', page.dateFrom);
    if (page?.dateTo) query = query.where('last_updated', '<', page.dateTo);
    const { n } = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('seq')
      .$if(page !== undefined, (q) => q.offset(page?.offset ?? 0).limit(page?.limit ?? 0))
      .execute();
    return { total: Number(n), items: rows.map((r) => this.stored(r)) };
  }

  /** Every row of an authorization_reference (FACs), ours and received. */
  async ofAuthorization(reference: string): Promise<StoredRow<T>[]> {
    const rows = await this.rows()
      .selectAll()
      .where('authorization_key', '=', keyOf(reference))
      .orderBy('seq')
      .execute();
    return rows.map((r) => this.stored(r));
  }

  /** Marks a row deactivated (Terminals); false when there is none. */
  async deactivate(partnerId: string, id: string, at: Date, db: Db = this.db): Promise<boolean> {
    const result = await db
      .updateTable('ocpi_payment_objects')
      .set({ deactivated_at: at })
      .where('kind', '=', this.of.kind)
      .where('partner_id', '=', partnerId)
      .where('object_key', '=', keyOf(id))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

/** The payments tables (migration 011): Terminals, FinancialAdviceConfirmations, activations. */
export class PaymentsStore {
  readonly terminals: PaymentObjects<Terminal>;
  readonly facs: PaymentObjects<ReceivedFac>;
  readonly activations: ActivationStore;

  constructor(readonly db: Db) {
    this.terminals = new PaymentObjects(db, { kind: 'terminal', read: asTerminal, id: (t) => t.terminal_id });
    this.facs = new PaymentObjects(db, {
      kind: 'fac',
      read: asFac,
      id: (f) => f.id,
      authorization: (f) => f.authorization_reference,
    });
    this.activations = new ActivationStore(db);
  }
}
