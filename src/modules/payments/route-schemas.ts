import { type TSchema, Type } from '@sinclair/typebox';
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
  terminal_id: CiString(36, { description: 'Terminal.terminal_id (a CiString: any case finds it)' }),
});
export const FacParams = Type.Object({
  financial_advice_confirmation_id: CiString(36, {
    description: 'FinancialAdviceConfirmation.id (a CiString: any case finds it)',
  }),
});

const doc = (operationId: string, summary: string) => ({ operationId, summary, tag });

/** A route that takes a body (when the spec gives one) and answers with the bare envelope. */
function accepting(operationId: string, summary: string, body?: TSchema) {
  return {
    response: { 200: enveloped() },
    openapi: { ...doc(operationId, summary), ...(body ? { body: { schema: body, required: true } } : {}) },
  };
}

/** A route that answers with one object. */
function answering<P extends TSchema>(params: P, data: TSchema, operationId: string, summary: string) {
  return { params, response: { 200: enveloped(data) }, openapi: doc(operationId, summary) };
}

/** A route that answers with a page of objects (Link, X-Total-Count, X-Limit). */
function paging(data: TSchema, operationId: string, summary: string) {
  return {
    querystring: PageQuery,
    response: { 200: enveloped(Type.Array(data)) },
    openapi: {
      ...doc(operationId, summary),
      responses: { 200: { description: 'The envelope; `data` holds the page', headers: PAGE_HEADERS } },
    },
  };
}

/** What a FAC's GET says about eft_data (read.ts says why). */
const FAILED_FAC = '; the FAC of a failed capture is served as received, without eft_data';

// --- Receiver (CPO) ---

export const receiverPostTerminal = accepting(
  'receiverPostTerminal',
  'A PTP creates (or replaces, or reactivates) one of its Terminals at the CPO',
  Terminal,
);

export const receiverGetTerminal = answering(
  TerminalParams,
  Terminal,
  'receiverGetTerminal',
  'Our copy of a Terminal the calling PTP posted',
);

export const receiverPostFac = accepting(
  'receiverPostFinancialAdviceConfirmation',
  'A PTP confirms the capture of a payment (linked to the Session and CDR by authorization_reference)',
  FinancialAdviceConfirmation,
);

export const receiverGetFac = answering(
  FacParams,
  FinancialAdviceConfirmation,
  'receiverGetFinancialAdviceConfirmation',
  `Our copy of a FinancialAdviceConfirmation the calling PTP posted${FAILED_FAC}`,
);

// --- Sender (PTP) ---

export const senderListTerminals = paging(
  Terminal,
  'senderListTerminals',
  'Our active Terminals linked to the calling CPO, a page at a time (deactivated ones are left out)',
);

export const senderGetTerminal = answering(
  TerminalParams,
  Terminal,
  'senderGetTerminal',
  'One of our Terminals linked to the calling CPO (also when deactivated)',
);

export const senderPutTerminal = {
  params: TerminalParams,
  ...accepting(
    'senderPutTerminal',
    'The CPO updates a Terminal (customer_reference, invoice_base_url)',
    Terminal,
  ),
};

export const senderPatchTerminal = {
  params: TerminalParams,
  ...accepting(
    'senderPatchTerminal',
    'The CPO assigns Locations and/or EVSEs to a Terminal',
    schemaOf('2.3.0', 'Terminal', 'patch'),
  ),
};

export const senderActivateTerminal = accepting(
  'senderActivateTerminal',
  'The CPO asks for a terminal to be activated (the PTP then POSTs it)',
  TerminalActivation,
);

export const senderDeactivateTerminal = {
  params: TerminalParams,
  ...accepting(
    'senderDeactivateTerminal',
    'The CPO deactivates a Terminal: it leaves the Terminals list until the PTP posts it again',
  ),
};

export const senderListFacs = paging(
  FinancialAdviceConfirmation,
  'senderListFinancialAdviceConfirmations',
  `Our FinancialAdviceConfirmations sent to the calling CPO, a page at a time${FAILED_FAC}`,
);

export const senderGetFac = answering(
  FacParams,
  FinancialAdviceConfirmation,
  'senderGetFinancialAdviceConfirmation',
  `One of our FinancialAdviceConfirmations${FAILED_FAC}`,
);

/**
 * Each FAC path with the schema to declare there: the documented one, then the
 * `financial_advice_confirmations` alias, served but not documented twice.
 */
export function facPaths<S extends object>(schema: S): Array<readonly [string, S]> {
  return [
    [FAC_PATHS[0], schema],
    [FAC_PATHS[1], { ...schema, openapi: false }],
  ];
}
