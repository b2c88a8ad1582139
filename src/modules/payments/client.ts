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

/** A call to a partner's Payments interface about one object, for the outbox. */
export function callTo(
  to: { partner: Partner; url: string },
  side: PaymentsSide,
  method: PaymentsCall['method'],
  path: string[],
  orderingKey: string,
  body: unknown,
): PaymentsCall {
  return { ...to, side, method, path, orderingKey, body };
}

/**
 * Runs our change in one transaction with the calls it makes (all or nothing), then wakes
 * the delivery worker. `work` may lock the rows it reads (FOR UPDATE): two changes of one
 * object then follow each other, each seeing what the other wrote.
 */
export async function writeAndSend<R>(
  node: OcpiNode,
  wake: () => void,
  work: (trx: Kysely<Database>) => Promise<{ result: R; calls: PaymentsCall[] }>,
): Promise<R> {
  const { result, sent } = await node.store.db.transaction().execute(async (trx) => {
    const done = await work(trx);
    for (const call of done.calls) await enqueue(trx, messageOf(node, call));
    return { result: done.result, sent: done.calls.length };
  });
  if (sent > 0) wake();
  return result;
}
