import type { ColumnType, Generated } from 'kysely';
import type { JsonObject } from '../model/json.ts';

/** Who a payments row belongs to: '' for our own, else the partner that sent it to us. */
export const OWN_PAYMENTS = '';

/** The kinds of object the payments table keeps. */
export type PaymentObjectKind = 'terminal' | 'fac';

/** A payment Terminal or a FinancialAdviceConfirmation (OCPI 2.3.0), in the canonical shape. */
export interface PaymentObjectTable {
  kind: PaymentObjectKind;
  partner_id: string;
  /** The id (terminal_id, FAC id) upper-cased: they are CiStrings. */
  object_key: string;
  /** Our own rows: the CPO partners it was posted to (they alone may read and change it). */
  linked: ColumnType<string[], string, string>;
  data: ColumnType<JsonObject, string, string>;
  /** FACs: the authorization_reference upper-cased. */
  authorization_key: string | null;
  /** Terminals: when a CPO deactivated it. */
  deactivated_at: Date | null;
  last_updated: ColumnType<Date, Date, Date>;
  seq: Generated<string>;
}

/** A terminal activation request a CPO partner sent to us (PTP side). */
export interface PaymentActivationTable {
  id: Generated<string>;
  partner_id: string;
  data: ColumnType<JsonObject, string, string>;
  received_at: ColumnType<Date, Date, never>;
  /** Once answered: the key of the Terminal created for it, and when. */
  terminal_key: string | null;
  answered_at: Date | null;
}

export interface PaymentTables {
  ocpi_payment_objects: PaymentObjectTable;
  ocpi_payment_activations: PaymentActivationTable;
}
