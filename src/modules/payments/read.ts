import { type Static, Type } from '@sinclair/typebox';
import { formatDateTime } from '../../model/datetime.ts';
import { isJsonObject, type JsonObject } from '../../model/json.ts';
import { parseObject, withoutNulls } from '../../model/objects.ts';
import { Obj } from '../../model/primitives.ts';
import { FinancialAdviceConfirmation, Terminal, TerminalActivation } from '../../model/v230/payments.ts';
import { compileValidator, describeIssues, parseBody } from '../../model/validate.ts';
import { OcpiError } from '../../transport/errors.ts';

/*
 * Terminals and FinancialAdviceConfirmations as partners send them, read liberally (null is
 * absent, unknown fields are ignored, a DateTime may lack its Z) and written strictly.
 *
 * The liberal readings, where the spec's own examples need them:
 * - a Terminal without last_updated (payment_terminal_create_minimal.json, a POST of only
 *   terminal_id: the POST text allows it, the property table says card. 1) is taken as
 *   changed now (the node's clock);
 * - a PUT of a Terminal may be partial (payment_terminal_put_update.json leaves out
 *   terminal_id): the fields it brings replace ours, the id is the URL's;
 * - a FAC's total_costs in the 2.2.1 Price shape (excl_vat/incl_vat, as all of the spec's FAC
 *   examples are) is read as the 2.3.0 Price: before_taxes = excl_vat, and one tax "VAT" of
 *   incl_vat - excl_vat when that is not 0;
 * - a FAC without eft_data (card. +) is accepted only when the capture did not succeed
 *   (payment_financial_advice_confirmation_example_failure.json): there is no EFT data of a
 *   failed capture. A SUCCESS/PARTIAL_SUCCESS without eft_data is 2001.
 *
 * The one place where we serve an object the way the spec's own example shows rather than
 * per its property table: a failed capture's FAC is stored and served as received, without
 * eft_data. The table's `+` would have us make EFT data up (we used to serve
 * [capture_status_message]), but that would put on an invoice "EFT data" no terminal ever
 * printed, which is worse than a missing field; the spec's failure example and the nature of
 * a failed capture both say there is none. Hence ReceivedFac: the FAC with eft_data optional,
 * and required again by readFac for every capture that succeeded.
 */

/** A FAC as we keep and serve it: eft_data may be absent when the capture failed (see above). */
export const ReceivedFac = Obj({
  ...FinancialAdviceConfirmation.properties,
  eft_data: Type.Optional(FinancialAdviceConfirmation.properties.eft_data),
});
export type ReceivedFac = Static<typeof ReceivedFac>;

const terminalValidator = compileValidator(Terminal);
const facValidator = compileValidator(ReceivedFac);
const activationValidator = compileValidator(TerminalActivation);

/** A stored (already checked) Terminal, typed. */
export function asTerminal(data: unknown): Terminal {
  return parseBody(terminalValidator, data, 'stored Terminal');
}

/** A stored (already checked) FAC, typed. */
export function asFac(data: unknown): ReceivedFac {
  return parseBody(facValidator, data, 'stored FinancialAdviceConfirmation');
}

/** A stored (already checked) activation request, typed. */
export function readActivationStored(data: unknown): TerminalActivation {
  return parseBody(activationValidator, data, 'stored Terminal activation');
}

function objectBody(body: unknown, what: string): JsonObject {
  const given = withoutNulls(body);
  if (!isJsonObject(given)) throw OcpiError.invalid(`invalid ${what}: the body must be a JSON object`);
  return given;
}

/** Checked by the version's schema and normalised (DateTime with Z), or 2001 naming the fields. */
function checked(objectName: string, json: JsonObject, what = objectName, patch = false): JsonObject {
  const parsed = parseObject('2.3.0', objectName, json, patch ? { shape: 'patch' } : {});
  if (!parsed.ok) throw OcpiError.invalid(`invalid ${what}: ${describeIssues(parsed.errors)}`);
  return parsed.value;
}

function withLastUpdated(json: JsonObject, now: Date): JsonObject {
  return json.last_updated === undefined ? { ...json, last_updated: formatDateTime(now) } : json;
}

/** A Terminal a PTP POSTs (CPO receiver), or one of ours given to the API. */
export function readTerminal(body: unknown, now: Date): Terminal {
  const json = withLastUpdated(objectBody(body, 'Terminal'), now);
  return asTerminal(checked('Terminal', json));
}

function sameId(json: JsonObject, field: string, id: string, what: string): void {
  const given = json[field];
  if (given !== undefined && (typeof given !== 'string' || given.toLowerCase() !== id.toLowerCase()))
    throw OcpiError.invalid(`invalid ${what}: ${field} ${JSON.stringify(given)} is not the URL's ${id}`);
}

/** A PUT of a Terminal (PTP sender): the whole object or the fields it changes, laid over ours. */
export function readTerminalPut(body: unknown, stored: Terminal, now: Date): Terminal {
  const json = objectBody(body, 'Terminal');
  sameId(json, 'terminal_id', stored.terminal_id, 'Terminal');
  const merged = withLastUpdated({ ...json, terminal_id: stored.terminal_id }, now);
  return asTerminal(checked('Terminal', { ...stored, ...merged }));
}

/** What a PATCH of a Terminal changes (PTP sender): location_ids and/or evse_uids, typically. */
export function readTerminalPatch(body: unknown, stored: Terminal, now: Date): Terminal {
  const json = objectBody(body, 'Terminal PATCH');
  sameId(json, 'terminal_id', stored.terminal_id, 'Terminal PATCH');
  const patch = checked('Terminal', json, 'Terminal PATCH', true);
  const merged = withLastUpdated({ ...patch, terminal_id: stored.terminal_id }, now);
  return asTerminal(checked('Terminal', { ...stored, ...merged }));
}

/** A terminal activation request (PTP sender): a Terminal whose terminal_id may be absent. */
export function readActivation(body: unknown, now: Date): TerminalActivation {
  const json = withLastUpdated(objectBody(body, 'Terminal activation'), now);
  // The Terminal's checks (lengths, enums, DateTime), with a stand-in id when there is none.
  const standIn = json.terminal_id === undefined;
  const terminal = checked('Terminal', standIn ? { ...json, terminal_id: '-' } : json, 'Terminal activation');
  if (standIn) delete terminal.terminal_id;
  return parseBody(activationValidator, terminal, 'Terminal activation');
}

/** A 2.2.1 Price ({excl_vat, incl_vat}) read as the 2.3.0 one. */
function priceOf(value: unknown): unknown {
  if (!isJsonObject(value) || value.before_taxes !== undefined || typeof value.excl_vat !== 'number')
    return value;
  const excl = value.excl_vat;
  const vat = typeof value.incl_vat === 'number' ? Math.round((value.incl_vat - excl) * 1e4) / 1e4 : 0;
  return { before_taxes: excl, ...(vat !== 0 ? { taxes: [{ name: 'VAT', amount: vat }] } : {}) };
}

/** A FinancialAdviceConfirmation (CPO receiver, or ours given to the API), kept as received. */
export function readFac(body: unknown, now: Date): ReceivedFac {
  const json = withLastUpdated(objectBody(body, 'FinancialAdviceConfirmation'), now);
  const read: JsonObject = { ...json, total_costs: priceOf(json.total_costs) };
  const eft = read.eft_data;
  const code = read.capture_status_code;
  const failed = typeof code === 'string' && code !== 'SUCCESS' && code !== 'PARTIAL_SUCCESS';
  const noEft = eft === undefined || (Array.isArray(eft) && eft.length === 0);
  if (!(failed && noEft)) return asFac(checked('FinancialAdviceConfirmation', read));
  // A failed capture without EFT data: the table's checks of every other field (a stand-in
  // eft_data for the check only), then kept without it.
  const { eft_data: _none, ...rest } = checked('FinancialAdviceConfirmation', { ...read, eft_data: ['-'] });
  return asFac(rest);
}
