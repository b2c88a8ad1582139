import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { renderObject } from '../../model/objects.ts';
import type { OcpiNode } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';
import { callerOf, paymentsContext, unknown } from './caller.ts';
import { readFac, readTerminal } from './read.ts';
import {
  facPaths,
  receiverGetFac,
  receiverGetTerminal,
  receiverPostFac,
  receiverPostTerminal,
} from './route-schemas.ts';
import { keepAssignment } from './terminals.ts';

/**
 * The receiver interface of Payments (a CPO's): PTP partners POST their Terminals and their
 * FinancialAdviceConfirmations and may GET them back. Everything is kept per partner: a PTP
 * sees and writes only what it posted itself. A FAC is stored as it came; it meets our Session
 * and CDR through its authorization_reference (see confirmations() of the API). Ids are
 * CiStrings: 'term-1' finds the Terminal posted as 'TERM-1'.
 */
export function paymentsReceiverRoutes(app: FastifyInstance, node: OcpiNode): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store, now, announce } = paymentsContext(node);

  // A POST of a Terminal we have: the PTP's fields replace ours, but location_ids and
  // evse_uids it leaves out keep our assignment (the PTP's POST has none unless it answers an
  // activation), and a deactivated Terminal is active again. The row is locked while read,
  // so an assignment made meanwhile is kept, not lost.
  routes.post('/terminals', { schema: receiverPostTerminal }, async (request) => {
    const partner = callerOf(request);
    const given = readTerminal(request.body, now());
    const terminal = await store.db.transaction().execute(async (trx) => {
      const before = await store.terminals.get(partner.id, given.terminal_id, { db: trx, forUpdate: true });
      const kept = keepAssignment(given, before?.object);
      await store.terminals.put(partner.id, kept, { deactivatedAt: null }, trx);
      return kept;
    });
    announce({ kind: 'terminal', partnerId: partner.id, object: terminal });
    return envelope(undefined);
  });

  routes.get('/terminals/:terminal_id', { schema: receiverGetTerminal }, async (request) => {
    const partner = callerOf(request);
    const found = await store.terminals.get(partner.id, request.params.terminal_id);
    if (!found) throw unknown('Terminal', request.params.terminal_id);
    return envelope(renderObject('2.3.0', 'Terminal', found.object));
  });

  for (const [path, schema] of facPaths(receiverPostFac))
    routes.post(`/${path}`, { schema }, async (request) => {
      const partner = callerOf(request);
      const fac = readFac(request.body, now());
      await store.facs.put(partner.id, fac);
      announce({ kind: 'fac', partnerId: partner.id, object: fac });
      return envelope(undefined);
    });

  for (const [path, schema] of facPaths(receiverGetFac))
    routes.get(`/${path}/:financial_advice_confirmation_id`, { schema }, async (request) => {
      const partner = callerOf(request);
      const id = request.params.financial_advice_confirmation_id;
      const found = await store.facs.get(partner.id, id);
      if (!found) throw unknown('FinancialAdviceConfirmation', id);
      return envelope(renderObject('2.3.0', 'FinancialAdviceConfirmation', found.object));
    });
}
