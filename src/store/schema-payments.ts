import type { ColumnType, Generated } from 'kysely';
import type { JsonObject } from '../model/json.ts';

/** Who a payments row belongs to: '' for our own, else the partner that sent it to us. */
export const OWN_PAYMENTS = '';

/** A payment Terminal (OCPI 2.3.0 Payments), in the canonical shape. */
export interface PaymentTerminalTable {
  partner_id: string;
  terminal_id: string;
  /** Our own terminals: the CPO partners it was posted to (they alone may read and change it). */
  linked: ColumnType<string[], string, string>;
  data: ColumnType<JsonObject, string, string>;
  last_updated: ColumnType<Date, Date, Date>;
  seq: Generated<string>;
}

/** A FinancialAdviceConfirmation, in the canonical shape. */
export interface PaymentFacTable {
  partner_id: string;
  id: string;
  authorization_reference: string;
  linked: ColumnType<string[], string, string>;
  data: ColumnType<JsonObject, string, string>;
  last_updated: ColumnType<Date, Date, Date>;
  seq: Generated<string>;
}

/** A terminal activation request a CPO partner sent to us (PTP side). */
export interface PaymentActivationTable {
  id: Generated<string>;
  partner_id: string;
  data: ColumnType<JsonObject, string, string>;
  received_at: ColumnType<Date, Date, never>;
}

export interface PaymentTables {
  ocpi_payment_terminals: PaymentTerminalTable;
  ocpi_payment_facs: PaymentFacTable;
  ocpi_payment_activations: PaymentActivationTable;
}
