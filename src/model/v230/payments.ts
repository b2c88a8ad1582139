import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, DateTime, Enum, Many, NonEmpty, Obj, Opt, PatchOf, Url } from '../primitives.ts';
import { GeoLocation, Price } from './common.ts';

/**
 * OCPI 2.3.0 Payments module (payment terminals, Sender = PTP, Receiver = CPO), plus the
 * Invoice Reconciliation module of the 2.3.0 edition 2 package. Both are new in 2.3.0.
 */

/** Which party issues the driver's invoice. */
export const InvoiceCreator = Enum(['CPO', 'PTP'] as const);
export type InvoiceCreator = Static<typeof InvoiceCreator>;

/** Outcome of the capture at the payment service provider. */
export const CaptureStatusCode = Enum(['SUCCESS', 'PARTIAL_SUCCESS', 'FAILED'] as const);
export type CaptureStatusCode = Static<typeof CaptureStatusCode>;

/** A physical payment terminal and the locations/EVSEs it serves. */
export const Terminal = Obj({
  terminal_id: CiString(36),
  customer_reference: Opt(CiString(36)),
  party_id: Opt(CiString(3)),
  country_code: Opt(CiString(2)),
  address: Opt(CiString(45)),
  city: Opt(CiString(45)),
  postal_code: Opt(CiString(10)),
  state: Opt(CiString(20)),
  country: Opt(CiString(3)),
  coordinates: Opt(GeoLocation),
  invoice_base_url: Opt(Url()),
  invoice_creator: Opt(InvoiceCreator),
  reference: Opt(CiString(36)),
  location_ids: Many(CiString(36)),
  evse_uids: Many(CiString(36)),
  last_updated: DateTime(),
});
export type Terminal = Static<typeof Terminal>;

/**
 * Body of `POST {terminals}/activate`: a Terminal whose `terminal_id` may be left out (the PTP
 * assigns it). Not a separate object in the spec, hence not in `objects`.
 */
export const TerminalActivation = Obj({ ...Terminal.properties, terminal_id: Opt(CiString(36)) });
export type TerminalActivation = Static<typeof TerminalActivation>;

/** Captured amount and EFT data of a terminal payment, linked to the session by authorization_reference. */
export const FinancialAdviceConfirmation = Obj({
  id: CiString(36),
  authorization_reference: CiString(36),
  total_costs: Price,
  currency: CiString(3),
  eft_data: NonEmpty(CiString(255, { minLength: 1 })),
  capture_status_code: CaptureStatusCode,
  capture_status_message: Opt(CiString(255, { minLength: 1 })),
  last_updated: DateTime(),
});
export type FinancialAdviceConfirmation = Static<typeof FinancialAdviceConfirmation>;

/** Invoice Reconciliation (2.3.0 ed2): the CDRs that one invoice covers. */
export const InvoiceReconciliationRecord = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  invoice_id: CiString(255),
  cdrs: NonEmpty(CiString(36)),
  last_updated: DateTime(),
});
export type InvoiceReconciliationRecord = Static<typeof InvoiceReconciliationRecord>;

export const objects: ModuleSchemas['objects'] = {
  Terminal,
  FinancialAdviceConfirmation,
  InvoiceCreator,
  CaptureStatusCode,
  InvoiceReconciliationRecord,
};

/**
 * The CPO PATCHes a Terminal on the PTP's Sender interface (location/EVSE assignment). Unlike
 * Locations/Sessions/Tokens, the spec does not require `last_updated` here, and its example
 * leaves it out. FinancialAdviceConfirmation and InvoiceReconciliationRecord have no PATCH.
 */
export const patches: ModuleSchemas['patches'] = {
  Terminal: PatchOf(Terminal),
};
