import type { JsonObject } from '../../model/json.ts';
import type { OcpiNode } from '../../node.ts';
import type { StoredActivation } from './activations.ts';
import { callTo, paymentsPartner, writeAndSend } from './client.ts';
import { ownObjectsOf } from './links.ts';
import { type ReceivedFac, readFac } from './read.ts';
import { keyOf, OWN_PAYMENTS, PaymentsStore, type StoredRow } from './store.ts';
import { type TerminalsApi, terminalsApi } from './terminals.ts';

/** A FAC as kept: whose it is ('' ours, else the PTP partner's), and who it was sent to. */
export interface StoredFac {
  partnerId: string;
  fac: ReceivedFac;
  linked: string[];
}

function storedFac({ object, partnerId, linked }: StoredRow<ReceivedFac>): StoredFac {
  return { partnerId, fac: object, linked };
}

/** A FAC with our Session and CDR of the same authorization_reference (CPO side). */
export interface Confirmation extends StoredFac {
  sessions: JsonObject[];
  cdrs: JsonObject[];
}

/** `app.ocpi.payments`: Payments (OCPI 2.3.0), both sides. */
export interface PaymentsApi {
  readonly terminals: TerminalsApi;
  /**
   * PTP: the terminal activation requests CPO partners sent us, oldest first (`open`: only
   * those not answered yet). Answer one with terminals.put(terminal, { activationId }), or
   * by a Terminal whose `reference` is the request's.
   */
  readonly activations: {
    list(options?: { open?: boolean }): Promise<StoredActivation[]>;
  };
  /**
   * PTP: stores our FAC and POSTs it to the CPO partner (id or 'CC*PID'), through the outbox.
   * A failed capture's FAC may come without eft_data, and is kept and sent so (read.ts says why).
   */
  confirm(partnerOrParty: string, fac: ReceivedFac | JsonObject): Promise<ReceivedFac>;
  /** CPO: the FACs received for an authorization_reference, each with our Sessions and CDRs of it. */
  confirmations(authorizationReference: string): Promise<Confirmation[]>;
}

/** The Payments API of a node; `wake` starts the delivery worker after a write. */
export function paymentsApi(node: OcpiNode, wake: () => void): PaymentsApi {
  const store = new PaymentsStore(node.store.db);
  const now = () => new Date(node.clock.now());

  return {
    terminals: terminalsApi(node, store, wake),
    activations: { list: (options) => store.activations.list(options) },
    async confirm(partnerOrParty, input) {
      const fac = readFac(input, now());
      const cpo = await paymentsPartner(node, partnerOrParty, 'RECEIVER');
      return writeAndSend(node, wake, async (trx) => {
        const before = await store.facs.get(OWN_PAYMENTS, fac.id, { db: trx, forUpdate: true });
        const linked = [...(before?.linked ?? []), cpo.partner.id];
        await store.facs.put(OWN_PAYMENTS, fac, { linked }, trx);
        const path = ['financial-advice-confirmations'];
        return { result: fac, calls: [callTo(cpo, 'RECEIVER', 'POST', path, `facs/${keyOf(fac.id)}`, fac)] };
      });
    },
    async confirmations(authorizationReference) {
      const facs = (await store.facs.ofAuthorization(authorizationReference)).filter(
        (f) => f.partnerId !== OWN_PAYMENTS,
      );
      const sessions = await ownObjectsOf(node, 'sessions', authorizationReference);
      const cdrs = await ownObjectsOf(node, 'cdrs', authorizationReference);
      return facs.map((f) => ({ ...storedFac(f), sessions, cdrs }));
    },
  };
}
