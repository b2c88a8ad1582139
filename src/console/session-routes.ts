import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { adminTokenMatches } from '../admin/routes.ts';
import { formatDateTime } from '../model/datetime.ts';
import { envelope } from '../transport/envelope.ts';
import { OcpiError } from '../transport/errors.ts';
import { clearedCookie, sessionCookie } from './cookies.ts';
import { type ConsoleGuard, checkSignInOrigin } from './guard.ts';
import type { LiveStreams } from './live-events.ts';
import { SessionAnswer, SignInBody } from './schemas.ts';
import type { ConsoleSession, ConsoleSessions } from './sessions.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

/**
 * Signing in and out of the console. POST /session with the admin token opens a session
 * (its id only in an HttpOnly cookie); GET /session gives a live session's CSRF token to
 * the page; DELETE /session ends it, on the server and in the browser.
 */
export function sessionRoutes(
  scope: FastifyInstance,
  parts: {
    adminToken: string;
    sessions: ConsoleSessions;
    guard: ConsoleGuard;
    streams: LiveStreams;
    throttle: SignInThrottle;
    idleMinutes: number;
    ocppBridge: boolean;
  },
): void {
  const { sessions, guard, streams } = parts;
  const config = { ocpiAuth: 'none' as const };
  const routes = scope.withTypeProvider<TypeBoxTypeProvider>();
  const shown = (session: ConsoleSession) => ({
    csrfToken: session.csrfToken,
    expiresAt: formatDateTime(new Date(session.expiresAt)),
    idleMinutes: parts.idleMinutes,
    ocppBridge: parts.ocppBridge,
  });

  routes.post(
    '/session',
    { config, schema: { body: SignInBody, response: { 200: SessionAnswer } } },
    async (request, reply) => {
      checkSignInOrigin(request);
      parts.throttle.check(request.ip);
      if (!adminTokenMatches(request.body.token, parts.adminToken)) {
        parts.throttle.failed(request.ip);
        request.log.warn({ reqId: request.id }, 'console sign-in refused: wrong admin token');
        throw OcpiError.unauthorized('wrong admin token');
      }
      const { id, session } = sessions.open();
      request.log.info({ reqId: request.id }, 'console signed in');
      reply.header('set-cookie', sessionCookie(request, id, sessions.maxAgeSeconds));
      return envelope(shown(session));
    },
  );

  routes.get('/session', { config, schema: { response: { 200: SessionAnswer } } }, async (request) =>
    envelope(shown(guard.require(request).session)),
  );

  routes.delete('/session', { config }, async (request, reply) => {
    const { id } = guard.require(request);
    sessions.end(id);
    streams.endSession(id);
    request.log.info({ reqId: request.id }, 'console signed out');
    reply.header('set-cookie', clearedCookie(request));
    return envelope(undefined);
  });
}
