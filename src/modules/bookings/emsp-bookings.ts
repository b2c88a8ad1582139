import { PartnerCallError } from '../../client/ocpi-http.ts';
import { formatDateTime } from '../../model/datetime.ts';
import { renderObject } from '../../model/objects.ts';
import type { Booking, BookingRequest, CanceledReason } from '../../model/v230/bookings.ts';
import { describeIssues } from '../../model/validate.ts';
import type { OcpiNode } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import { type PartyRef, parsePartyKey, routeTo } from '../../partners/routing.ts';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { cpoTarget } from '../commands/sent-requests.ts';
import type { ObjectRef } from '../objects/service.ts';
import { parseBooking, parseBookingRequest } from './read.ts';

/** Where a CPO keeps a booking of ours: the CPO's party (the URL owner) and our request_id. */
function refOf(booking: Booking): ObjectRef {
  return {
    countryCode: booking.country_code.toUpperCase(),
    partyId: booking.party_id.toUpperCase(),
    id: booking.request_id,
  };
}

/**
 * The eMSP side of Bookings: requests, changes and cancellations POSTed to a CPO's
 * sender interface. The Booking the CPO answers is kept as that partner's copy (the
 * pushes that follow update it), and returned.
 */
export class EmspBookings {
  constructor(private readonly node: OcpiNode) {}

  /**
   * POSTs a BookingRequest to a CPO: a partner's id, or a CPO party as 'CC*PID' (see
   * cpoTarget()). Refusals throw an OcpiError with the CPO's status code and message.
   */
  async request(to: string, request: BookingRequest): Promise<Booking> {
    const checked = parseBookingRequest(request);
    if (!checked.ok) throw OcpiError.invalid(`invalid BookingRequest: ${describeIssues(checked.errors)}`);
    const target = await cpoTarget(this.node, to);
    const endpoint = partnerEndpoint(target.partner, 'bookings', 'SENDER');
    if (!endpoint)
      throw new OcpiError(OcpiStatus.NO_MATCHING_ENDPOINTS, `${to} offers no bookings sender endpoint`);
    let reply: Awaited<ReturnType<OcpiNode['http']['call']>>;
    try {
      reply = await this.node.http.call({
        method: 'POST',
        url: endpoint.url,
        token: target.token,
        encoding: target.partner.tokenEncoding,
        body: renderObject('2.3.0', 'BookingRequest', checked.value),
        headers: target.headers,
      });
    } catch (err) {
      if (err instanceof PartnerCallError)
        throw new OcpiError(err.code, `booking request not delivered: ${err.message}`, { cause: err });
      throw err;
    }
    const { envelope } = reply;
    if (envelope.status_code !== OcpiStatus.SUCCESS)
      throw new OcpiError(
        envelope.status_code,
        String(envelope.status_message ?? 'booking request refused'),
        {
          httpStatus: reply.httpStatus >= 400 ? reply.httpStatus : 200,
        },
      );
    const parsed = parseBooking(envelope.data);
    if (!parsed.ok)
      throw new OcpiError(
        'OCPI_ERR_PARTNER_REFUSED',
        `the CPO answered an invalid Booking: ${describeIssues(parsed.errors)}`,
      );
    const booking = parsed.value;
    await this.node.services.bookings.putReceived(
      target.partner.id,
      refOf(booking),
      booking,
      new Date(booking.last_updated || formatDateTime(new Date(this.node.clock.now()))),
    );
    return booking;
  }

  /**
   * Cancels a booking of ours at a CPO (a partner's id, or a CPO party as 'CC*PID', as for
   * request()): its last request again, with `canceled` (who_canceled EMSP). The booking
   * must be known from the CPO's answers or pushes.
   */
  async cancel(to: string, requestId: string, reason: CanceledReason): Promise<Booking> {
    const booking = await this.received(to, requestId);
    const last = booking?.booking_requests.at(-1)?.booking_request;
    if (!booking || !last) throw OcpiError.invalid(`request_id: no booking ${requestId} known from ${to}`);
    const { canceled: _previous, ...request } = last;
    return this.request(to, {
      ...request,
      canceled: { cancellation_reason: reason, who_canceled: 'EMSP' },
    });
  }

  /**
   * Our copy of a booking at a CPO, by our request_id: `from` is a partner's id (any of its
   * parties), or a CPO party as 'CC*PID' (that party, at the partner or hub that reaches it).
   */
  async received(from: string, requestId: string): Promise<Booking | undefined> {
    const { partner, parties } = await this.holder(from);
    for (const party of parties) {
      const ref = {
        countryCode: party.countryCode.toUpperCase(),
        partyId: party.partyId.toUpperCase(),
        id: requestId,
      };
      const found = await this.node.services.bookings.getReceived(partner.id, ref);
      if (found) return found;
    }
    return undefined;
  }

  /** Where copies from `from` are kept: the partner (or hub) and the CPO parties to look at. */
  private async holder(from: string): Promise<{ partner: Partner; parties: readonly PartyRef[] }> {
    const party = parsePartyKey(from);
    if (!party) {
      const { partner } = await this.node.registry.registered(from);
      return { partner, parties: partner.parties };
    }
    const us = this.node.parties.find((p) => p.role === 'EMSP') ?? this.node.parties[0];
    const route = us && (await routeTo(this.node, party, us));
    if (!route)
      throw new OcpiError('OCPI_ERR_UNKNOWN_PARTNER', `no registered partner or hub reaches ${from}`);
    return { partner: route.partner, parties: [route.to] };
  }
}
