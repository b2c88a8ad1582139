import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { PaymentsApi } from '../modules/payments/service.ts';
import type { OcpiNode } from '../node.ts';
import { envelope } from '../transport/envelope.ts';
import { partnerNamed } from './partner-named.ts';
import {
  ActivationsAnswer,
  ActivationsQuery,
  AssignBody,
  TerminalAnswer,
  TerminalIdParams,
  TerminalsAnswer,
} from './schemas.ts';

/**
 * Payments (2.3.0): `GET /terminals` lists the node's Terminals (a PTP's own; at a CPO the
 * ones PTP partners posted, with the partner), `POST /terminals/:id/assign` assigns one to
 * Locations and/or EVSEs (CPO), which PATCHes it at its PTP through the outbox, and
 * `GET /terminals/activations` lists the terminal activation requests CPO partners sent (PTP).
 */
export function adminPaymentRoutes(app: FastifyInstance, node: OcpiNode, payments: PaymentsApi): void {
  const config = { ocpiAuth: 'none' as const };
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();

  routes.get('/terminals', { config, schema: { response: { 200: TerminalsAnswer } } }, async () =>
    envelope(await payments.terminals.list()),
  );

  routes.get(
    '/terminals/activations',
    { config, schema: { querystring: ActivationsQuery, response: { 200: ActivationsAnswer } } },
    async (request) =>
      envelope(await payments.activations.list(request.query.open === 'true' ? { open: true } : {})),
  );

  routes.post(
    '/terminals/:id/assign',
    { config, schema: { params: TerminalIdParams, body: AssignBody, response: { 200: TerminalAnswer } } },
    async (request) => {
      const { location_ids, evse_uids, partner } = request.body;
      const partnerId = partner === undefined ? undefined : (await partnerNamed(node, partner)).id;
      const terminal = await payments.terminals.assign(
        request.params.id,
        {
          ...(location_ids ? { locationIds: location_ids } : {}),
          ...(evse_uids ? { evseUids: evse_uids } : {}),
        },
        partnerId === undefined ? {} : { partnerId },
      );
      return envelope(terminal);
    },
  );
}
