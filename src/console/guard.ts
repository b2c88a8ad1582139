import type { FastifyRequest } from 'fastify';
import { OcpiError } from '../transport/errors.ts';
import { OcpiStatus } from '../transport/status-codes.ts';
import { sessionIdOf } from './cookies.ts';
import type { ConsoleSession, ConsoleSessions } from './sessions.ts';

/** The header a state-changing request of the console carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the request's Origin is this server's own (scheme, host and port). */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  return origin !== undefined && origin === `${request.protocol}://${request.host}`;
}

function forbidden(message: string): OcpiError {
  return new OcpiError(OcpiStatus.CLIENT_ERROR, message, { httpStatus: 403 });
}

/**
 * Who may use the console's and the admin API's routes by cookie: a request with a live
 * session, and, when it changes anything, the session's CSRF token in `X-CSRF-Token` and
 * an Origin of this very server (a page of another site can send neither).
 */
export class ConsoleGuard {
  constructor(private readonly sessions: ConsoleSessions) {}

  /** The request's session id and session, when its cookie names a live one. */
  session(request: FastifyRequest): { id: string; session: ConsoleSession } | undefined {
    const id = sessionIdOf(request);
    const session = this.sessions.touch(id);
    return id && session ? { id, session } : undefined;
  }

  /**
   * For the admin API: true when a console session lets the request in; false when it has
   * no session cookie (the admin token is asked then). A live session without the CSRF
   * token or from another origin on a state-changing request is refused (403).
   */
  admits(request: FastifyRequest): boolean {
    const found = this.session(request);
    if (!found) return false;
    this.checkIntent(request, found.id);
    return true;
  }

  /** The session of a console route's request; 401 without one (expired, signed out, never signed in). */
  require(request: FastifyRequest): { id: string; session: ConsoleSession } {
    const found = this.session(request);
    if (!found) throw OcpiError.unauthorized('not signed in to the console, or the session expired');
    this.checkIntent(request, found.id);
    return found;
  }

  /** A state-changing request must come from our own page: same origin, with the session's token. */
  private checkIntent(request: FastifyRequest, id: string): void {
    if (SAFE_METHODS.has(request.method)) return;
    if (!sameOrigin(request)) throw forbidden('console: the request does not come from this console');
    const token = request.headers[CSRF_HEADER];
    if (!this.sessions.csrfMatches(id, typeof token === 'string' ? token : undefined))
      throw forbidden('console: missing or wrong CSRF token');
  }
}

/** A sign-in must come from our own page too (no logging a browser in from another site). */
export function checkSignInOrigin(request: FastifyRequest): void {
  if (!sameOrigin(request)) throw forbidden('console: the sign-in does not come from this console');
}
