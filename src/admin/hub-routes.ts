import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { syncHubClients } from '../modules/hubclientinfo/client.ts';
import type { OcpiNode } from '../node.ts';
import { type HubClient, isHub } from '../partners/hubs.ts';
import type { Partner } from '../partners/types.ts';
import { envelope } from '../transport/envelope.ts';
import { OcpiError } from '../transport/errors.ts';
import { streamProgress, syncOptions } from './progress-stream.ts';
import { HubClientsAnswer, PartnerIdParams, SyncQuery } from './schemas.ts';

/** A hub client as the admin API shows it (without the hub's id, which it is listed under). */
function view({ partnerId: _hub, ...client }: HubClient) {
  return client;
}

/** The partners, each hub with the parties behind it (`hubClients`) and their status. */
export async function withHubClients(node: OcpiNode, partners: Partner[]) {
  if (!partners.some(isHub)) return partners;
  const clients = await node.hubs.list();
  return partners.map((p) =>
    isHub(p) ? { ...p, hubClients: clients.filter((c) => c.partnerId === p.id).map(view) } : p,
  );
}

/**
 * The parties behind a hub partner (HubClientInfo): `GET /partners/:id/clients` lists them
 * with their status; `POST /partners/:id/sync/hubclientinfo` pulls the hub's list again
 * (NDJSON progress, as the object syncs answer).
 */
export function adminHubRoutes(app: FastifyInstance, node: OcpiNode): void {
  const config = { ocpiAuth: 'none' as const };
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();

  routes.get(
    '/partners/:id/clients',
    { config, schema: { params: PartnerIdParams, response: { 200: HubClientsAnswer } } },
    async (request) => {
      const { id } = request.params;
      if (!(await node.registry.get(id)))
        throw new OcpiError('OCPI_ERR_UNKNOWN_PARTNER', `no registered partner ${id}`);
      return envelope((await node.hubs.list(id)).map(view));
    },
  );

  routes.post(
    '/partners/:id/sync/hubclientinfo',
    { config, schema: { params: PartnerIdParams, querystring: SyncQuery } },
    async (request, reply) => {
      const options = syncOptions(request.query);
      return streamProgress(reply, (onPage) =>
        syncHubClients(node, request.params.id, { ...options, onPage }),
      );
    },
  );
}
