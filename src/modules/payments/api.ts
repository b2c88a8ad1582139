import type { JsonObject } from '../../model/json.ts';
import type { FinancialAdviceConfirmation, Terminal, TerminalActivation } from '../../model/v230/payments.ts';
import type { OcpiNode } from '../../node.ts';
import { OcpiError } from '../../transport/errors.ts';
import type { PullOptions, PullProgress } from '../objects/pages.ts';
import { type PaymentsCall, paymentsPartner, paymentsUrl, writeAndSend } from './client.ts';
import { ownObjectsOf } from './links.ts';
import { readActivation, readFac, readTerminal } from './read.ts';
import { OWN_PAYMENTS, PaymentsStore, type StoredFac, type StoredTerminal } from './store.ts';
import { syncTerminals } from './sync.ts';

/** A FAC with our Session and CDR of the same authorization_reference (CPO side). */
export interface Confirmation extends StoredFac {
  sessions: JsonObject[];
  cdrs: JsonObject[];
}

/** Assignment of a Terminal to Locations and/or EVSEs (CPO side); each list given replaces the old one. */
export interface TerminalAssignment {
  locationIds?: string[];
  evseUids?: string[];
}

/**
 * Which PTP partner's Terminal a CPO means: needed only when two PTP partners posted
 * Terminals of the same id (else the call is refused with 2001 naming both).
 */
export interface WhichPtp {
  partnerId?: string;
}

/** `app.ocpi.payments`: Payments (OCPI 2.3.0), both sides. */
export interface PaymentsApi {
  readonly terminals: {
    /**
     * PTP: stores our Terminal and POSTs it (through the outbox) to the CPO partners that
     * have a payments receiver, or to `partnerId` only. Those CPOs may then read and change it.
     */
    put(terminal: Terminal | JsonObject, options?: { partnerId?: string }): Promise<Terminal>;
    /** PTP: our Terminals. CPO: the Terminals PTP partners posted, with the partner. */
    list(): Promise<StoredTerminal[]>;
    /** CPO: stores the assignment and PATCHes the PTP's Terminal (outbox). */
    assign(terminalId: string, assignment: TerminalAssignment, options?: WhichPtp): Promise<Terminal>;
    /** CPO: sets customer_reference / invoice_base_url and PUTs the Terminal to the PTP (outbox). */
    update(
      terminalId: string,
      fields: Pick<Terminal, 'customer_reference' | 'invoice_base_url'>,
      options?: WhichPtp,
    ): Promise<Terminal>;
    /** CPO: asks a PTP partner to activate a terminal (outbox). */
    activate(partnerId: string, activation: TerminalActivation | JsonObject): Promise<TerminalActivation>;
    /** CPO: asks the PTP of a Terminal to deactivate it (outbox). */
    deactivate(terminalId: string, options?: WhichPtp): Promise<void>;
    /** CPO: pulls a PTP partner's Terminals (paginated) and stores them as received from it. */
    sync(partnerId: string, options?: PullOptions): Promise<PullProgress>;
  };
  /** PTP: stores our FAC and POSTs it to the CPO partner (id or 'CC*PID'), through the outbox. */
  confirm(
    partnerOrParty: string,
    fac: FinancialAdviceConfirmation | JsonObject,
  ): Promise<FinancialAdviceConfirmation>;
  /** CPO: the FACs received for an authorization_reference, each with our Sessions and CDRs of it. */
  confirmations(authorizationReference: string): Promise<Confirmation[]>;
}

/** The Payments API of a node; `wake` starts the delivery worker after a write. */
export function paymentsApi(node: OcpiNode, wake: () => void): PaymentsApi {
  const store = new PaymentsStore(node.store.db);
  const now = () => new Date(node.clock.now());

  /** The one Terminal of that id a PTP partner posted to us. */
  const received = async (terminalId: string, which: WhichPtp = {}): Promise<StoredTerminal> => {
    const found = (await store.receivedTerminals(terminalId)).filter(
      (t) => which.partnerId === undefined || t.partnerId === which.partnerId,
    );
    const [first] = found;
    if (!first) throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown Terminal ${terminalId}`);
    if (found.length > 1)
      throw OcpiError.invalid(
        `Terminal ${terminalId} was posted by ${found.length} partners (${found.map((t) => t.partnerId).join(', ')})`,
      );
    return first;
  };

  /** Stores a received Terminal as changed and sends the call about it to its PTP. */
  const changeReceived = async (
    stored: StoredTerminal,
    terminal: Terminal,
    call: Pick<PaymentsCall, 'method' | 'path' | 'body'>,
  ): Promise<Terminal> => {
    const { partner, url } = await paymentsPartner(node, stored.partnerId, 'SENDER');
    await writeAndSend(node, wake, (trx) => store.putTerminal(stored.partnerId, terminal, [], trx), [
      { partner, side: 'SENDER', url, orderingKey: `terminals/${terminal.terminal_id}`, ...call },
    ]);
    return terminal;
  };

  return {
    terminals: {
      async put(input, options = {}) {
        const terminal = readTerminal(input, now());
        const partners = options.partnerId
          ? [await paymentsPartner(node, options.partnerId, 'RECEIVER')]
          : (await node.registry.list()).flatMap((partner) => {
              const url = paymentsUrl(partner, 'RECEIVER');
              return url ? [{ partner, url }] : [];
            });
        const before = await store.getTerminal(OWN_PAYMENTS, terminal.terminal_id);
        const linked = [...(before?.linked ?? []), ...partners.map((p) => p.partner.id)];
        await writeAndSend(
          node,
          wake,
          (trx) => store.putTerminal(OWN_PAYMENTS, terminal, linked, trx),
          partners.map(({ partner, url }) => ({
            partner,
            url,
            side: 'RECEIVER',
            method: 'POST',
            path: ['terminals'],
            orderingKey: `terminals/${terminal.terminal_id}`,
            body: terminal,
          })),
        );
        return terminal;
      },
      async list() {
        const own = node.parties.some((p) => p.role === 'PTP');
        return (await store.listTerminals(own ? { partnerId: OWN_PAYMENTS } : { received: true })).items;
      },
      async assign(terminalId, assignment, which) {
        const stored = await received(terminalId, which);
        const last_updated = now().toISOString();
        const changes = {
          ...(assignment.locationIds ? { location_ids: assignment.locationIds } : {}),
          ...(assignment.evseUids ? { evse_uids: assignment.evseUids } : {}),
        };
        const terminal = readTerminal({ ...stored.terminal, ...changes, last_updated }, now());
        return changeReceived(stored, terminal, {
          method: 'PATCH',
          path: ['terminals', terminalId],
          body: { ...changes, last_updated: terminal.last_updated },
        });
      },
      async update(terminalId, fields, which) {
        const stored = await received(terminalId, which);
        const last_updated = now().toISOString();
        const terminal = readTerminal({ ...stored.terminal, ...fields, last_updated }, now());
        return changeReceived(stored, terminal, {
          method: 'PUT',
          path: ['terminals', terminalId],
          body: terminal,
        });
      },
      async activate(partnerId, input) {
        const activation = readActivation(input, now());
        const { partner, url } = await paymentsPartner(node, partnerId, 'SENDER');
        const key = `activations/${activation.reference ?? activation.terminal_id ?? activation.last_updated}`;
        await writeAndSend(node, wake, async () => {}, [
          {
            partner,
            url,
            side: 'SENDER',
            method: 'POST',
            path: ['terminals', 'activate'],
            orderingKey: key,
            body: activation,
          },
        ]);
        return activation;
      },
      async deactivate(terminalId, which) {
        const stored = await received(terminalId, which);
        const { partner, url } = await paymentsPartner(node, stored.partnerId, 'SENDER');
        await writeAndSend(node, wake, async () => {}, [
          {
            partner,
            url,
            side: 'SENDER',
            method: 'POST',
            path: ['terminals', terminalId, 'deactivate'],
            orderingKey: `terminals/${terminalId}`,
            body: {},
          },
        ]);
      },
      sync: (partnerId, options) => syncTerminals(node, store, partnerId, options),
    },
    async confirm(partnerOrParty, input) {
      const fac = readFac(input, now());
      const { partner, url } = await paymentsPartner(node, partnerOrParty, 'RECEIVER');
      const before = await store.getFac(OWN_PAYMENTS, fac.id);
      await writeAndSend(
        node,
        wake,
        (trx) => store.putFac(OWN_PAYMENTS, fac, [...(before?.linked ?? []), partner.id], trx),
        [
          {
            partner,
            url,
            side: 'RECEIVER',
            method: 'POST',
            path: ['financial-advice-confirmations'],
            orderingKey: `facs/${fac.id}`,
            body: fac,
          },
        ],
      );
      return fac;
    },
    async confirmations(authorizationReference) {
      const facs = (await store.facsOf(authorizationReference)).filter((f) => f.partnerId !== OWN_PAYMENTS);
      const sessions = await ownObjectsOf(node, 'sessions', authorizationReference);
      const cdrs = await ownObjectsOf(node, 'cdrs', authorizationReference);
      return facs.map((f) => ({ ...f, sessions, cdrs }));
    },
  };
}
