import { Type } from '@sinclair/typebox';
import { schemaOf } from '../../model/objects.ts';
import { CiString } from '../../model/primitives.ts';
import { FinancialAdviceConfirmation, Terminal, TerminalActivation } from '../../model/v230/payments.ts';
import { enveloped, PAGE_HEADERS, PageQuery } from '../../transport/route-schemas.ts';

/*
 * The routes of the Payments module (2.3.0). One URL per interface, with two sub-resources:
 * {payments_url}/terminals[/{terminal_id}] and
 * {payments_url}/financial-advice-confirmations[/{financial_advice_confirmation_id}].
 */

const tag = 'payments';

/** The FAC sub-resource as the spec writes it, then the alias we also answer on (undocumented). */
export const FAC_PATHS = ['financial-advice-confirmations', 'financial_advice_confirmations'] as const;

export const TerminalParams = Type.Object({
  terminal_id: CiString(36, { description: 'Terminal.terminal_id' }),
});
export const FacParams = Type.Object({
  financial_advice_confirmation_id: CiString(36, { description: 'FinancialAdviceConfirmation.id' }),
});

const doc = (operationId: string, summary: string) => ({ operationId, summary, tag });

// --- Receiver (CPO) ---

export const receiverPostTerminal = {
  response: { 200: enveloped() },
  openapi: {
    ...doc('receiverPostTerminal', 'A PTP creates (or replaces) one of its Terminals at the CPO'),
    body: { schema: Terminal, required: true },
  },
};

export const receiverGetTerminal = {
  params: TerminalParams,
  response: { 200: enveloped(Terminal) },
  openapi: doc('receiverGetTerminal', 'Our copy of a Terminal the calling PTP posted'),
};

export const receiverPostFac = {
  response: { 200: enveloped() },
  openapi: {
    ...doc(
      'receiverPostFinancialAdviceConfirmation',
      'A PTP confirms the capture of a payment (linked to the Session and CDR by authorization_reference)',
    ),
    body: { schema: FinancialAdviceConfirmation, required: true },
  },
};

export const receiverGetFac = {
  params: FacParams,
  response: { 200: enveloped(FinancialAdviceConfirmation) },
  openapi: doc(
    'receiverGetFinancialAdviceConfirmation',
    'Our copy of a FinancialAdviceConfirmation the calling PTP posted',
  ),
};

// --- Sender (PTP) ---

export const senderListTerminals = {
  querystring: PageQuery,
  response: { 200: enveloped(Type.Array(Terminal)) },
  openapi: {
    ...doc('senderListTerminals', 'Our Terminals linked to the calling CPO, a page at a time'),
    responses: { 200: { description: 'The envelope; `data` holds the page', headers: PAGE_HEADERS } },
  },
};

export const senderGetTerminal = {
  params: TerminalParams,
  response: { 200: enveloped(Terminal) },
  openapi: doc('senderGetTerminal', 'One of our Terminals linked to the calling CPO'),
};

export const senderPutTerminal = {
  params: TerminalParams,
  response: { 200: enveloped() },
  openapi: {
    ...doc('senderPutTerminal', 'The CPO updates a Terminal (customer_reference, invoice_base_url)'),
    body: { schema: Terminal, required: true },
  },
};

export const senderPatchTerminal = {
  params: TerminalParams,
  response: { 200: enveloped() },
  openapi: {
    ...doc('senderPatchTerminal', 'The CPO assigns Locations and/or EVSEs to a Terminal'),
    body: { schema: schemaOf('2.3.0', 'Terminal', 'patch'), required: true },
  },
};

export const senderActivateTerminal = {
  response: { 200: enveloped() },
  openapi: {
    ...doc('senderActivateTerminal', 'The CPO asks for a terminal to be activated (the PTP then POSTs it)'),
    body: { schema: TerminalActivation, required: true },
  },
};

export const senderDeactivateTerminal = {
  params: TerminalParams,
  response: { 200: enveloped() },
  openapi: doc('senderDeactivateTerminal', 'The CPO asks for a Terminal to be deactivated'),
};

export const senderListFacs = {
  querystring: PageQuery,
  response: { 200: enveloped(Type.Array(FinancialAdviceConfirmation)) },
  openapi: {
    ...doc(
      'senderListFinancialAdviceConfirmations',
      'Our FinancialAdviceConfirmations sent to the calling CPO, a page at a time',
    ),
    responses: { 200: { description: 'The envelope; `data` holds the page', headers: PAGE_HEADERS } },
  },
};

export const senderGetFac = {
  params: FacParams,
  response: { 200: enveloped(FinancialAdviceConfirmation) },
  openapi: doc('senderGetFinancialAdviceConfirmation', 'One of our FinancialAdviceConfirmations'),
};

/** The same route under the `financial_advice_confirmations` alias: served, not documented twice. */
export function alias<S extends object>(schema: S): S & { openapi: false } {
  return { ...schema, openapi: false };
}
