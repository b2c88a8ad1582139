import { timingSafeEqual } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkOutboundUrl } from '../client/url-guard.ts';
import { type OcpiNode, versionsUrl } from '../node.ts';
import { registerWith, unregisterFrom, updateCredentialsWith } from '../partners/handshake-client.ts';
import { envelope } from '../transport/envelope.ts';
import { OcpiError } from '../transport/errors.ts';
import { withHubClients } from './hub-routes.ts';
import {
  PartnerAnswer,
  PartnerIdParams,
  PartnersAnswer,
  RegisterBody,
  RegistrationTokenAnswer,
  TokenBody,
  UnregisteredAnswer,
} from './schemas.ts';

/** Shortest admin token accepted: it guards every partner and object of the node. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** Whether `given` is the admin token (compared in constant time). */
export function adminTokenMatches(given: string, adminToken: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(adminToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses a request without the admin token (401), sent as Bearer (or Token). */
export function checkAdmin(request: FastifyRequest, adminToken: string): void {
  const match = /^(?:Bearer|Token)\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1] || !adminTokenMatches(match[1], adminToken))
    throw OcpiError.unauthorized('missing or wrong admin token');
}

/**
 * Another way into the admin API than the token: true lets a request in (the operator
 * console's session cookie); false asks for the token. It may throw to refuse outright.
 */
export type AdminSessionCheck = (request: FastifyRequest) => boolean;

/**
 * The operator's API (not an OCPI module): partners and registrations. Protected by its
 * own admin token, sent as `Authorization: Bearer <token>` (or a console session).
 */
export function adminRoutes(
  app: FastifyInstance,
  node: OcpiNode,
  adminToken: string,
  session?: AdminSessionCheck,
) {
  const config = { ocpiAuth: 'none' as const };
  app.addHook('onRequest', async (request) => {
    if (!session?.(request)) checkAdmin(request, adminToken);
  });
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();

  routes.get('/partners', { config, schema: { response: { 200: PartnersAnswer } } }, async () =>
    envelope(await withHubClients(node, await node.registry.list())),
  );

  routes.post(
    '/partners',
    { config, schema: { body: RegisterBody, response: { 200: PartnerAnswer } } },
    async (request) => {
      const { versionsUrl, token } = request.body;
      checkOutboundUrl(versionsUrl, 'versionsUrl', node.urlPolicy);
      return envelope(await registerWith(node, versionsUrl, token));
    },
  );

  routes.post(
    '/partners/:id/update',
    { config, schema: { params: PartnerIdParams, response: { 200: PartnerAnswer } } },
    async (request) => envelope(await updateCredentialsWith(node, request.params.id)),
  );

  routes.delete(
    '/partners/:id',
    { config, schema: { params: PartnerIdParams, response: { 200: UnregisteredAnswer } } },
    async (request) => envelope(await unregisterFrom(node, request.params.id)),
  );

  routes.post(
    '/registration-tokens',
    { config, schema: { body: TokenBody, response: { 200: RegistrationTokenAnswer } } },
    async (request) => {
      const token = await node.registry.createRegistrationToken(request.body.token, request.body.label);
      return envelope({ token, versionsUrl: versionsUrl(node) });
    },
  );
}
