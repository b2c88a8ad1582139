import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { renderObject } from '../../model/objects.ts';
import { type OcpiNode, versionUrl } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { envelope } from '../../transport/envelope.ts';
import { readPageRequest, setPageHeaders } from '../../transport/pagination.ts';
import { callerOf, type PaymentsReceived, unknown } from './caller.ts';
import { readActivation, readTerminalPatch, readTerminalPut } from './read.ts';
import {
  alias,
  FAC_PATHS,
  senderActivateTerminal,
  senderDeactivateTerminal,
  senderGetFac,
  senderGetTerminal,
  senderListFacs,
  senderListTerminals,
  senderPatchTerminal,
  senderPutTerminal,
} from './route-schemas.ts';
import { OWN_PAYMENTS, PaymentsStore, type StoredTerminal } from './store.ts';

/**
 * The sender interface of Payments (a PTP's). Our Terminals and FACs are served to the CPO
 * partners they were sent to (`linked`), and only those may PUT (customer_reference,
 * invoice_base_url) or PATCH (location_ids, evse_uids) a Terminal or ask for its
 * deactivation; to any other partner the Terminal is unknown (HTTP 404, OCPI 2001). An
 * activation request is stored and announced (node.events 'received', kind 'activation'):
 * the PTP's application then creates the Terminal with app.ocpi.payments.terminals.put().
 */
export function paymentsSenderRoutes(app: FastifyInstance, node: OcpiNode): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const store = new PaymentsStore(node.store.db);
  const now = () => new Date(node.clock.now());
  const base = () => `${versionUrl(node, '2.3.0')}/sender/payments`;
  const announce = (event: Omit<PaymentsReceived, 'module'>) =>
    node.events.emit('received', { module: 'payments', ...event });
  const linkedTerminal = async (partner: Partner, id: string): Promise<StoredTerminal> => {
    const found = await store.getTerminal(OWN_PAYMENTS, id);
    if (!found?.linked.includes(partner.id)) throw unknown('Terminal', id);
    return found;
  };

  routes.get('/terminals', { schema: senderListTerminals }, async (request, reply) => {
    const partner = callerOf(request);
    const page = readPageRequest(request.query, node.paging);
    const result = await store.listTerminals({ linkedTo: partner.id }, page);
    setPageHeaders(reply, request, `${base()}/terminals`, page, result.total, node.paging.maxLimit);
    return envelope(result.items.map((t) => renderObject('2.3.0', 'Terminal', t.terminal)));
  });

  // Before /terminals/:terminal_id, which it is not: a POST there has no route.
  routes.post('/terminals/activate', { schema: senderActivateTerminal }, async (request) => {
    const partner = callerOf(request);
    const activation = readActivation(request.body, now());
    await store.addActivation(partner.id, activation, now());
    announce({ kind: 'activation', partnerId: partner.id, object: activation });
    return envelope(undefined);
  });

  routes.get('/terminals/:terminal_id', { schema: senderGetTerminal }, async (request) => {
    const found = await linkedTerminal(callerOf(request), request.params.terminal_id);
    return envelope(renderObject('2.3.0', 'Terminal', found.terminal));
  });

  routes.put('/terminals/:terminal_id', { schema: senderPutTerminal }, async (request) => {
    const partner = callerOf(request);
    const found = await linkedTerminal(partner, request.params.terminal_id);
    const terminal = readTerminalPut(request.body, found.terminal, now());
    await store.putTerminal(OWN_PAYMENTS, terminal, found.linked);
    announce({ kind: 'terminal', partnerId: partner.id, object: terminal });
    return envelope(undefined);
  });

  routes.patch('/terminals/:terminal_id', { schema: senderPatchTerminal }, async (request) => {
    const partner = callerOf(request);
    const found = await linkedTerminal(partner, request.params.terminal_id);
    const terminal = readTerminalPatch(request.body, found.terminal, now());
    await store.putTerminal(OWN_PAYMENTS, terminal, found.linked);
    announce({ kind: 'terminal', partnerId: partner.id, object: terminal });
    return envelope(undefined);
  });

  routes.post('/terminals/:terminal_id/deactivate', { schema: senderDeactivateTerminal }, async (request) => {
    const partner = callerOf(request);
    const found = await linkedTerminal(partner, request.params.terminal_id);
    announce({ kind: 'deactivation', partnerId: partner.id, object: found.terminal });
    return envelope(undefined);
  });

  FAC_PATHS.forEach((path, i) => {
    const documented = i === 0;
    routes.get(
      `/${path}`,
      { schema: documented ? senderListFacs : alias(senderListFacs) },
      async (request, reply) => {
        const partner = callerOf(request);
        const page = readPageRequest(request.query, node.paging);
        const result = await store.listFacs({ linkedTo: partner.id }, page);
        setPageHeaders(reply, request, `${base()}/${path}`, page, result.total, node.paging.maxLimit);
        return envelope(result.items.map((f) => renderObject('2.3.0', 'FinancialAdviceConfirmation', f.fac)));
      },
    );
    routes.get(
      `/${path}/:financial_advice_confirmation_id`,
      { schema: documented ? senderGetFac : alias(senderGetFac) },
      async (request) => {
        const partner = callerOf(request);
        const id = request.params.financial_advice_confirmation_id;
        const found = await store.getFac(OWN_PAYMENTS, id);
        if (!found?.linked.includes(partner.id)) throw unknown('FinancialAdviceConfirmation', id);
        return envelope(renderObject('2.3.0', 'FinancialAdviceConfirmation', found.fac));
      },
    );
  });
}
