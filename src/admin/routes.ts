import { timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkOutboundUrl } from '../client/url-guard.ts';
import { compileValidator, parseBody } from '../model/validate.ts';
import { type OcpiNode, versionsUrl } from '../node.ts';
import { registerWith, unregisterFrom, updateCredentialsWith } from '../partners/handshake-client.ts';
import { envelope } from '../transport/envelope.ts';
import { OcpiError } from '../transport/errors.ts';

const RegisterBody = compileValidator(
  Type.Object({
    versionsUrl: Type.String({ minLength: 1 }),
    token: Type.String({ minLength: 1, maxLength: 64 }),
  }),
);
const TokenBody = compileValidator(
  Type.Object({
    token: Type.Optional(Type.String({ minLength: 8, maxLength: 64, pattern: '^[\\x21-\\x7e]+$' })),
    label: Type.Optional(Type.String({ maxLength: 100 })),
  }),
);

/** Shortest admin token accepted: it guards every partner and object of the node. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function checkAdmin(request: FastifyRequest, adminToken: string): void {
  const match = /^(?:Bearer|Token)\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1] || !sameSecret(match[1], adminToken))
    throw OcpiError.unauthorized('missing or wrong admin token');
}

/**
 * The operator's API (not an OCPI module): partners and registrations. Protected by its
 * own admin token, sent as `Authorization: Bearer <token>`.
 */
export function adminRoutes(app: FastifyInstance, node: OcpiNode, adminToken: string) {
  const config = { ocpiAuth: 'none' as const };
  app.addHook('onRequest', async (request) => checkAdmin(request, adminToken));

  app.get('/partners', { config }, async () => envelope(await node.registry.list()));

  app.post('/partners', { config }, async (request) => {
    const body = parseBody(RegisterBody, request.body, 'registration');
    checkOutboundUrl(body.versionsUrl, 'versionsUrl', node.urlPolicy);
    return envelope(await registerWith(node, body.versionsUrl, body.token));
  });

  app.post<{ Params: { id: string } }>('/partners/:id/update', { config }, async (request) =>
    envelope(await updateCredentialsWith(node, request.params.id)),
  );

  app.delete<{ Params: { id: string } }>('/partners/:id', { config }, async (request) =>
    envelope(await unregisterFrom(node, request.params.id)),
  );

  app.post('/registration-tokens', { config }, async (request) => {
    const body = parseBody(TokenBody, request.body ?? {}, 'registration token');
    const token = await node.registry.createRegistrationToken(body.token, body.label);
    return envelope({ token, versionsUrl: versionsUrl(node) });
  });
}
