import type { FastifyRequest } from 'fastify';
import type { OcpiNode } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import { PaymentsStore } from './store.ts';

/** The authenticated partner of a request: identity comes from the token, never from a body. */
export function callerOf(request: FastifyRequest): Partner {
  const caller = request.ocpi.caller;
  if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
  return caller.partner;
}

/**
 * What a Payments GET, PUT or PATCH of an object that is not there (or not the caller's)
 * gets: as the codebase answers an unknown object, HTTP 404 with OCPI 2001. Another
 * partner's object is "unknown" too: its existence is not told.
 */
export function unknown(what: string, id: string): OcpiError {
  return new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown ${what} ${id}`, { httpStatus: 404 });
}

/** What node.events 'received' carries for this module. */
export interface PaymentsReceived {
  module: 'payments';
  /** terminal: a PTP posted one (CPO) or a CPO PUT/PATCHed ours (PTP); fac: a PTP's FAC (CPO). */
  kind: 'terminal' | 'fac' | 'activation' | 'deactivation';
  partnerId: string;
  object: unknown;
  /** kind 'activation': the id to answer it by (terminals.put(…, { activationId })). */
  activationId?: string;
}

/** What the receiver and the sender routes share: the store, the clock, the announcements. */
export function paymentsContext(node: OcpiNode) {
  return {
    store: new PaymentsStore(node.store.db),
    now: () => new Date(node.clock.now()),
    announce: (event: Omit<PaymentsReceived, 'module'>) =>
      node.events.emit('received', { module: 'payments', ...event }),
  };
}
