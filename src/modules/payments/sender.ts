import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { renderObject } from '../../model/objects.ts';
import type { Terminal } from '../../model/v230/payments.ts';
import { type OcpiNode, versionUrl } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import type { Database } from '../../store/schema.ts';
import { envelope } from '../../transport/envelope.ts';
import { readPageRequest, setPageHeaders } from '../../transport/pagination.ts';
import { callerOf, paymentsContext, unknown } from './caller.ts';
import { readActivation, readTerminalPatch, readTerminalPut } from './read.ts';
import {
  facPaths,
  senderActivateTerminal,
  senderDeactivateTerminal,
  senderGetFac,
  senderGetTerminal,
  senderListFacs,
  senderListTerminals,
  senderPatchTerminal,
  senderPutTerminal,
} from './route-schemas.ts';
import { OWN_PAYMENTS, type StoredRow } from './store.ts';

/**
 * The sender interface of Payments (a PTP's). Our Terminals and FACs are served to the CPO
 * partners they were sent to (`linked`), and only those may PUT (customer_reference,
 * invoice_base_url) or PATCH (location_ids, evse_uids) a Terminal or deactivate it; to any
 * other partner the Terminal is unknown (HTTP 404, OCPI 2001). Ids are CiStrings: any case
 * finds the Terminal.
 *
 * An activation request is stored and announced (node.events 'received', kind 'activation',
 * with its activationId): the PTP's application lists them (payments.activations.list()) and
 * answers one by creating the Terminal with payments.terminals.put().
 *
 * Deactivation. The spec says only that the CPO deactivates a terminal "when the terminal is
 * broken or there is an address change", and nothing of what a deactivated Terminal looks
 * like: the object has no status. Our reading: it is out of service until the PTP creates it
 * again. So it is kept with deactivated_at and announced (kind 'deactivation'); GET
 * /terminals (the list a CPO pulls to learn the terminals in service) leaves it out; GET of
 * its id still answers (the CPO may look at what it deactivated), and PUT / PATCH still apply
 * (they change data, not service). terminals.put() of the same id reactivates it.
 */
export function paymentsSenderRoutes(app: FastifyInstance, node: OcpiNode): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store, now, announce } = paymentsContext(node);
  const base = () => `${versionUrl(node, '2.3.0')}/sender/payments`;
  /** Our Terminal linked to the partner; locked for the transaction when read in one. */
  const linkedTerminal = async (
    partner: Partner,
    id: string,
    db?: Kysely<Database>,
  ): Promise<StoredRow<Terminal>> => {
    const found = await store.terminals.get(OWN_PAYMENTS, id, db ? { db, forUpdate: true } : {});
    if (!found?.linked.includes(partner.id)) throw unknown('Terminal', id);
    return found;
  };
  /** A PUT or PATCH of the CPO: read-modify-write of the locked row. */
  const changeTerminal = async (
    partner: Partner,
    id: string,
    read: (body: unknown, stored: Terminal, now: Date) => Terminal,
    body: unknown,
  ) => {
    const terminal = await store.db.transaction().execute(async (trx) => {
      const found = await linkedTerminal(partner, id, trx);
      const changed = read(body, found.object, now());
      await store.terminals.put(OWN_PAYMENTS, changed, { linked: found.linked }, trx);
      return changed;
    });
    announce({ kind: 'terminal', partnerId: partner.id, object: terminal });
    return envelope(undefined);
  };

  routes.get('/terminals', { schema: senderListTerminals }, async (request, reply) => {
    const partner = callerOf(request);
    const page = readPageRequest(request.query, node.paging);
    const result = await store.terminals.list({ linkedTo: partner.id, active: true }, page);
    setPageHeaders(reply, request, `${base()}/terminals`, page, result.total, node.paging.maxLimit);
    return envelope(result.items.map((t) => renderObject('2.3.0', 'Terminal', t.object)));
  });

  // Before /terminals/:terminal_id, which it is not: a POST there has no route.
  routes.post('/terminals/activate', { schema: senderActivateTerminal }, async (request) => {
    const partner = callerOf(request);
    const activation = readActivation(request.body, now());
    const { id } = await store.activations.add(partner.id, activation, now());
    announce({ kind: 'activation', partnerId: partner.id, object: activation, activationId: id });
    return envelope(undefined);
  });

  routes.get('/terminals/:terminal_id', { schema: senderGetTerminal }, async (request) => {
    const found = await linkedTerminal(callerOf(request), request.params.terminal_id);
    return envelope(renderObject('2.3.0', 'Terminal', found.object));
  });

  routes.put('/terminals/:terminal_id', { schema: senderPutTerminal }, async (request) =>
    changeTerminal(callerOf(request), request.params.terminal_id, readTerminalPut, request.body),
  );

  routes.patch('/terminals/:terminal_id', { schema: senderPatchTerminal }, async (request) =>
    changeTerminal(callerOf(request), request.params.terminal_id, readTerminalPatch, request.body),
  );

  routes.post('/terminals/:terminal_id/deactivate', { schema: senderDeactivateTerminal }, async (request) => {
    const partner = callerOf(request);
    const found = await linkedTerminal(partner, request.params.terminal_id);
    await store.terminals.deactivate(OWN_PAYMENTS, found.object.terminal_id, now());
    announce({ kind: 'deactivation', partnerId: partner.id, object: found.object });
    return envelope(undefined);
  });

  for (const [path, schema] of facPaths(senderListFacs))
    routes.get(`/${path}`, { schema }, async (request, reply) => {
      const partner = callerOf(request);
      const page = readPageRequest(request.query, node.paging);
      const result = await store.facs.list({ linkedTo: partner.id }, page);
      setPageHeaders(reply, request, `${base()}/${path}`, page, result.total, node.paging.maxLimit);
      return envelope(
        result.items.map((f) => renderObject('2.3.0', 'FinancialAdviceConfirmation', f.object)),
      );
    });

  for (const [path, schema] of facPaths(senderGetFac))
    routes.get(`/${path}/:financial_advice_confirmation_id`, { schema }, async (request) => {
      const partner = callerOf(request);
      const id = request.params.financial_advice_confirmation_id;
      const found = await store.facs.get(OWN_PAYMENTS, id);
      if (!found?.linked.includes(partner.id)) throw unknown('FinancialAdviceConfirmation', id);
      return envelope(renderObject('2.3.0', 'FinancialAdviceConfirmation', found.object));
    });
}
