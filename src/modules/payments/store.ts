import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { parseDateTime } from '../../model/datetime.ts';
import type { FinancialAdviceConfirmation, Terminal, TerminalActivation } from '../../model/v230/payments.ts';
import type { Database } from '../../store/schema.ts';
import { OWN_PAYMENTS } from '../../store/schema-payments.ts';
import type { PageRequest } from '../../transport/pagination.ts';
import { asFac, asTerminal } from './read.ts';

export { OWN_PAYMENTS };

type Db = Kysely<Database>;

/** A Terminal as kept: whose it is ('' ours, else the PTP partner's), and who it was sent to. */
export interface StoredTerminal {
  partnerId: string;
  terminal: Terminal;
  /** Our own terminals: the CPO partners it was posted to. */
  linked: string[];
}

export interface StoredFac {
  partnerId: string;
  fac: FinancialAdviceConfirmation;
  linked: string[];
}

/** A page of a list, and how many match in all. */
export interface PaymentsPage<T> {
  items: T[];
  total: number;
}

/** Who may see which rows of a list: our own rows linked to a partner, or a partner's rows. */
export type RowFilter = { linkedTo: string } | { partnerId: string } | { received: true };

function lastUpdated(object: { last_updated: string }): Date {
  return parseDateTime(object.last_updated) ?? new Date(0);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/** The payments tables (migration 011): Terminals, FinancialAdviceConfirmations, activations. */
export class PaymentsStore {
  constructor(readonly db: Db) {}

  async putTerminal(
    partnerId: string,
    terminal: Terminal,
    linked: string[] = [],
    db: Db = this.db,
  ): Promise<void> {
    const row = {
      partner_id: partnerId,
      terminal_id: terminal.terminal_id,
      linked: JSON.stringify(unique(linked)),
      data: JSON.stringify(terminal),
      last_updated: lastUpdated(terminal),
    };
    await db
      .insertInto('ocpi_payment_terminals')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['partner_id', 'terminal_id'])
          .doUpdateSet({ linked: row.linked, data: row.data, last_updated: row.last_updated }),
      )
      .execute();
  }

  async getTerminal(
    partnerId: string,
    terminalId: string,
    db: Db = this.db,
  ): Promise<StoredTerminal | undefined> {
    const row = await db
      .selectFrom('ocpi_payment_terminals')
      .selectAll()
      .where('partner_id', '=', partnerId)
      .where('terminal_id', '=', terminalId)
      .executeTakeFirst();
    return row
      ? { partnerId: row.partner_id, terminal: asTerminal(row.data), linked: row.linked }
      : undefined;
  }

  /** The terminals of that id that PTP partners posted to us (one, unless two PTPs use the same id). */
  async receivedTerminals(terminalId: string): Promise<StoredTerminal[]> {
    const rows = await this.db
      .selectFrom('ocpi_payment_terminals')
      .selectAll()
      .where('partner_id', '<>', OWN_PAYMENTS)
      .where('terminal_id', '=', terminalId)
      .execute();
    return rows.map((r) => ({ partnerId: r.partner_id, terminal: asTerminal(r.data), linked: r.linked }));
  }

  async listTerminals(filter: RowFilter, page?: PageRequest): Promise<PaymentsPage<StoredTerminal>> {
    let query = this.db.selectFrom('ocpi_payment_terminals');
    if ('linkedTo' in filter)
      query = query
        .where('partner_id', '=', OWN_PAYMENTS)
        .where(sql<boolean>`linked @> ${JSON.stringify([filter.linkedTo])}::jsonb`);
    else if ('partnerId' in filter) query = query.where('partner_id', '=', filter.partnerId);
    else query = query.where('partner_id', '<>', OWN_PAYMENTS);
    if (page?.dateFrom) query = query.where('last_updated', '>=', page.dateFrom);
    if (page?.dateTo) query = query.where('last_updated', '<', page.dateTo);
    const { n } = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('seq')
      .$if(page !== undefined, (q) => q.offset(page?.offset ?? 0).limit(page?.limit ?? 0))
      .execute();
    return {
      total: Number(n),
      items: rows.map((r) => ({ partnerId: r.partner_id, terminal: asTerminal(r.data), linked: r.linked })),
    };
  }

  async putFac(
    partnerId: string,
    fac: FinancialAdviceConfirmation,
    linked: string[] = [],
    db: Db = this.db,
  ): Promise<void> {
    const row = {
      partner_id: partnerId,
      id: fac.id,
      authorization_reference: fac.authorization_reference,
      linked: JSON.stringify(unique(linked)),
      data: JSON.stringify(fac),
      last_updated: lastUpdated(fac),
    };
    await db
      .insertInto('ocpi_payment_facs')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['partner_id', 'id']).doUpdateSet({
          authorization_reference: row.authorization_reference,
          linked: row.linked,
          data: row.data,
          last_updated: row.last_updated,
        }),
      )
      .execute();
  }

  async getFac(partnerId: string, id: string): Promise<StoredFac | undefined> {
    const row = await this.db
      .selectFrom('ocpi_payment_facs')
      .selectAll()
      .where('partner_id', '=', partnerId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { partnerId: row.partner_id, fac: asFac(row.data), linked: row.linked } : undefined;
  }

  async listFacs(filter: RowFilter, page?: PageRequest): Promise<PaymentsPage<StoredFac>> {
    let query = this.db.selectFrom('ocpi_payment_facs');
    if ('linkedTo' in filter)
      query = query
        .where('partner_id', '=', OWN_PAYMENTS)
        .where(sql<boolean>`linked @> ${JSON.stringify([filter.linkedTo])}::jsonb`);
    else if ('partnerId' in filter) query = query.where('partner_id', '=', filter.partnerId);
    else query = query.where('partner_id', '<>', OWN_PAYMENTS);
    if (page?.dateFrom) query = query.where('last_updated', '>=', page.dateFrom);
    if (page?.dateTo) query = query.where('last_updated', '<', page.dateTo);
    const { n } = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('seq')
      .$if(page !== undefined, (q) => q.offset(page?.offset ?? 0).limit(page?.limit ?? 0))
      .execute();
    return {
      total: Number(n),
      items: rows.map((r) => ({ partnerId: r.partner_id, fac: asFac(r.data), linked: r.linked })),
    };
  }

  /** Every FAC of an authorization_reference, ours and received. */
  async facsOf(authorizationReference: string): Promise<StoredFac[]> {
    const rows = await this.db
      .selectFrom('ocpi_payment_facs')
      .selectAll()
      .where('authorization_reference', '=', authorizationReference)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({ partnerId: r.partner_id, fac: asFac(r.data), linked: r.linked }));
  }

  async addActivation(partnerId: string, activation: TerminalActivation, at: Date): Promise<string> {
    const row = await this.db
      .insertInto('ocpi_payment_activations')
      .values({ partner_id: partnerId, data: JSON.stringify(activation), received_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return String(row.id);
  }
}
