import type { FastifyRequest } from 'fastify';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';

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
}
