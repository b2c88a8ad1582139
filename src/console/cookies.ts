import type { FastifyRequest } from 'fastify';

/**
 * The console's session cookie of the server a request reached. Browsers share cookies
 * between the ports of one host, so the name carries the port: two nodes on one machine
 * (a CPO on :3001, an eMSP on :3003) keep a session each. Path=/ : the page calls the
 * admin API (/admin) with it too.
 */
export function sessionCookieName(request: FastifyRequest): string {
  return `ocpi_console_${request.port ?? (request.protocol === 'https' ? 443 : 80)}`;
}

/** The value of the session cookie of a request, if it has it. */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  const name = sessionCookieName(request);
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * The Set-Cookie of a session: HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it), Secure when the request came over HTTPS.
 */
export function sessionCookie(request: FastifyRequest, id: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${sessionCookieName(request)}=${id}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
}

/** The Set-Cookie that removes the session cookie from the browser. */
export function clearedCookie(request: FastifyRequest): string {
  return sessionCookie(request, '', 0);
}
