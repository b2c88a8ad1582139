import type { Kysely } from 'kysely';
import { enqueue, type OutboxMessage } from '../../delivery/outbox.ts';
import type { OcpiNode } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import { headersFor, parsePartyKey } from '../../partners/routing.ts';
import type { Partner } from '../../partners/types.ts';
import type { Database } from '../../store/schema.ts';
import { OcpiError } from '../../transport/errors.ts';

/*
 * Calls to a partner's Payments interface. The ones that change something there go through
 * the outbox, written in the transaction of our own change: they survive the partner being
 * offline and our restarts, and reach it in order (one ordering key per Terminal / FAC).
 */

/** Which side of a partner we call: a CPO's receiver, or a PTP's sender. */
export type PaymentsSide = 'RECEIVER' | 'SENDER';

const THEIR_ROLE: Record<PaymentsSide, string> = { RECEIVER: 'CPO', SENDER: 'PTP' };
const OUR_ROLE: Record<PaymentsSide, 'PTP' | 'CPO'> = { RECEIVER: 'PTP', SENDER: 'CPO' };

/** The base URL of a partner's Payments interface of that side, if it offers one. */
export function paymentsUrl(partner: Partner, side: PaymentsSide): string | undefined {
  if (partner.status !== 'registered' || partner.version !== '2.3.0') return undefined;
  return partnerEndpoint(partner, 'payments', side)?.url.replace(/\/+$/, '');
}

/** A partner by id, or by one of its parties as 'CC*PID'; registered, with the interface asked for. */
export async function paymentsPartner(
  node: OcpiNode,
  partnerOrParty: string,
  side: PaymentsSide,
): Promise<{ partner: Partner; url: string }> {
  const party = parsePartyKey(partnerOrParty);
  const partner =
    (await node.registry.get(partnerOrParty)) ??
    (party ? await node.registry.findByParty(party.countryCode, party.partyId) : undefined);
  if (!partner) throw new OcpiError('OCPI_ERR_UNKNOWN_PARTNER', `unknown partner ${partnerOrParty}`);
  const url = paymentsUrl(partner, side);
  if (!url)
    throw new OcpiError(
      'OCPI_ERR_NO_MATCHING_ENDPOINTS',
      `partner ${partner.id} offers no OCPI 2.3.0 payments ${side.toLowerCase()} interface`,
    );
  return { partner, url };
}

/** The routing headers from our party of the role that calls to the partner's party of the role called. */
export function routing(node: OcpiNode, partner: Partner, side: PaymentsSide): Record<string, string> {
  const ours = node.parties.find((p) => p.role === OUR_ROLE[side]);
  const theirs = partner.parties.find((p) => p.role === THEIR_ROLE[side]) ?? partner.parties[0];
  return ours && theirs ? headersFor(partner, ours, theirs) : {};
}

/** One call to a partner's Payments interface, for the outbox. */
export interface PaymentsCall {
  partner: Partner;
  side: PaymentsSide;
  method: 'POST' | 'PUT' | 'PATCH';
  /** The base of the partner's interface, and the path below it. */
  url: string;
  path: string[];
  /** 'terminals/<id>' or 'facs/<id>': calls about one object are delivered in order. */
  orderingKey: string;
  body: unknown;
}

/** The outbox message of a call. */
export function messageOf(node: OcpiNode, call: PaymentsCall): OutboxMessage {
  const headers = routing(node, call.partner, call.side);
  return {
    partnerId: call.partner.id,
    orderingKey: `payments/${call.orderingKey}`,
    method: call.method,
    url: `${call.url}/${call.path.map(encodeURIComponent).join('/')}`,
    body: call.body,
    kind: 'payments',
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  };
}

/**
 * Writes our change and its calls in one transaction (all or nothing), then wakes the
 * delivery worker.
 */
export async function writeAndSend(
  node: OcpiNode,
  wake: () => void,
  write: (trx: Kysely<Database>) => Promise<void>,
  calls: PaymentsCall[],
): Promise<void> {
  const messages = calls.map((c) => messageOf(node, c));
  await node.store.db.transaction().execute(async (trx) => {
    await write(trx);
    for (const message of messages) await enqueue(trx, message);
  });
  if (messages.length > 0) wake();
}
