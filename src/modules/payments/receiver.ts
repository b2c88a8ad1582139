import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { renderObject } from '../../model/objects.ts';
import type { OcpiNode } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';
import { callerOf, type PaymentsReceived, unknown } from './caller.ts';
import { readFac, readTerminal } from './read.ts';
import {
  alias,
  FAC_PATHS,
  receiverGetFac,
  receiverGetTerminal,
  receiverPostFac,
  receiverPostTerminal,
} from './route-schemas.ts';
import { PaymentsStore } from './store.ts';

/**
 * The receiver interface of Payments (a CPO's): PTP partners POST their Terminals and their
 * FinancialAdviceConfirmations and may GET them back. Everything is kept per partner: a PTP
 * sees and writes only what it posted itself. A FAC is stored as it came; it meets our Session
 * and CDR through its authorization_reference (see confirmations() of the API).
 */
export function paymentsReceiverRoutes(app: FastifyInstance, node: OcpiNode): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const store = new PaymentsStore(node.store.db);
  const now = () => new Date(node.clock.now());
  const announce = (event: Omit<PaymentsReceived, 'module'>) =>
    node.events.emit('received', { module: 'payments', ...event });

  routes.post('/terminals', { schema: receiverPostTerminal }, async (request) => {
    const partner = callerOf(request);
    const terminal = readTerminal(request.body, now());
    await store.putTerminal(partner.id, terminal);
    announce({ kind: 'terminal', partnerId: partner.id, object: terminal });
    return envelope(undefined);
  });

  routes.get('/terminals/:terminal_id', { schema: receiverGetTerminal }, async (request) => {
    const partner = callerOf(request);
    const found = await store.getTerminal(partner.id, request.params.terminal_id);
    if (!found) throw unknown('Terminal', request.params.terminal_id);
    return envelope(renderObject('2.3.0', 'Terminal', found.terminal));
  });

  FAC_PATHS.forEach((path, i) => {
    const documented = i === 0;
    routes.post(
      `/${path}`,
      { schema: documented ? receiverPostFac : alias(receiverPostFac) },
      async (request) => {
        const partner = callerOf(request);
        const fac = readFac(request.body, now());
        await store.putFac(partner.id, fac);
        announce({ kind: 'fac', partnerId: partner.id, object: fac });
        return envelope(undefined);
      },
    );
    routes.get(
      `/${path}/:financial_advice_confirmation_id`,
      { schema: documented ? receiverGetFac : alias(receiverGetFac) },
      async (request) => {
        const partner = callerOf(request);
        const id = request.params.financial_advice_confirmation_id;
        const found = await store.getFac(partner.id, id);
        if (!found) throw unknown('FinancialAdviceConfirmation', id);
        return envelope(renderObject('2.3.0', 'FinancialAdviceConfirmation', found.fac));
      },
    );
  });
}
