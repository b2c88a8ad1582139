import type { Kysely } from 'kysely';
import type { JsonObject } from '../../model/json.ts';
import type { Terminal, TerminalActivation } from '../../model/v230/payments.ts';
import type { OcpiNode } from '../../node.ts';
import type { Database } from '../../store/schema.ts';
import { OcpiError } from '../../transport/errors.ts';
import type { PullOptions, PullProgress } from '../objects/pages.ts';
import type { StoredActivation } from './activations.ts';
import { callTo, type PaymentsCall, paymentsPartner, paymentsUrl, writeAndSend } from './client.ts';
import { readActivation, readTerminal } from './read.ts';
import { keyOf, OWN_PAYMENTS, type PaymentsStore, type StoredRow } from './store.ts';
import { syncTerminals } from './sync.ts';

type Db = Kysely<Database>;

/** A Terminal as kept: whose it is ('' ours, else the PTP partner's), who it was sent to, and its deactivation. */
export interface StoredTerminal {
  partnerId: string;
  terminal: Terminal;
  /** Our own terminals: the CPO partners it was posted to. */
  linked: string[];
  /** When a CPO deactivated it (ISO DateTime); absent while it is active. */
  deactivatedAt?: string;
}

export function storedTerminal({ object, ...row }: StoredRow<Terminal>): StoredTerminal {
  return { ...row, terminal: object };
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

/** Where a PTP's put() sends a Terminal, and the activation request it answers. */
export interface PutOptions {
  /** Only this CPO partner (id or 'CC*PID'); default: the one that asked for the activation, else every CPO. */
  partnerId?: string;
  /** The activation request (StoredActivation.id) this Terminal answers; default: found by reference. */
  activationId?: string;
}

export interface TerminalsApi {
  /**
   * PTP: stores our Terminal and POSTs it (through the outbox) to the CPO partners that have
   * a payments receiver, or to `partnerId` only. Those CPOs may then read and change it.
   * Posting a deactivated Terminal again reactivates it. location_ids / evse_uids left out
   * keep the CPO's assignment (give [] to clear it). A Terminal that answers an activation
   * request (options.activationId, else an open request whose `reference` or terminal_id is
   * the Terminal's) takes the request's fields it does not give itself, goes to the CPO that
   * asked, and marks the request answered.
   */
  put(terminal: Terminal | JsonObject, options?: PutOptions): Promise<Terminal>;
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
  /**
   * CPO: marks our copy of the Terminal deactivated (it no longer decides who invoices) and
   * asks its PTP to deactivate it (outbox).
   */
  deactivate(terminalId: string, options?: WhichPtp): Promise<void>;
  /** CPO: pulls a PTP partner's Terminals (paginated) and stores them as received from it. */
  sync(partnerId: string, options?: PullOptions): Promise<PullProgress>;
}

/** The assignment of `before` where `terminal` leaves it out: it is the CPO's to set. */
export function keepAssignment(terminal: Terminal, before: Terminal | undefined): Terminal {
  return {
    ...(before?.location_ids ? { location_ids: before.location_ids } : {}),
    ...(before?.evse_uids ? { evse_uids: before.evse_uids } : {}),
    ...terminal,
  };
}

export function terminalsApi(node: OcpiNode, store: PaymentsStore, wake: () => void): TerminalsApi {
  const now = () => new Date(node.clock.now());
  const orderingKey = (id: string) => `terminals/${keyOf(id)}`;

  /** The one Terminal of that id a PTP partner posted to us; locked when read in a transaction. */
  const received = async (terminalId: string, which: WhichPtp, db?: Db): Promise<StoredTerminal> => {
    const found = (await store.terminals.received(terminalId, db, db !== undefined)).filter(
      (t) => which.partnerId === undefined || t.partnerId === which.partnerId,
    );
    const [first] = found;
    if (!first)
      throw new OcpiError(
        'OCPI_ERR_UNKNOWN_OBJECT',
        `unknown Terminal ${terminalId}: no PTP partner${which.partnerId ? ` ${which.partnerId}` : ''} posted a Terminal of that id`,
        { httpStatus: 404 },
      );
    if (found.length > 1)
      throw OcpiError.invalid(
        `Terminal ${terminalId} was posted by ${found.length} partners (${found.map((t) => t.partnerId).join(', ')})`,
      );
    return storedTerminal(first);
  };

  /**
   * A change of a received Terminal: its PTP is found first (outside the transaction), then
   * the row is read again locked, changed, written, and the call to the PTP queued with it.
   */
  const changeReceived = async (
    terminalId: string,
    which: WhichPtp,
    change: (
      stored: StoredTerminal,
      at: Date,
    ) => {
      terminal: Terminal;
      deactivate?: boolean;
      call: Pick<PaymentsCall, 'method' | 'path' | 'body'>;
    },
  ): Promise<Terminal> => {
    const { partnerId } = await received(terminalId, which);
    const ptp = await paymentsPartner(node, partnerId, 'SENDER');
    return writeAndSend(node, wake, async (trx) => {
      const stored = await received(terminalId, { partnerId }, trx);
      const at = now();
      const { terminal, deactivate, call } = change(stored, at);
      await store.terminals.put(partnerId, terminal, deactivate ? { deactivatedAt: at } : {}, trx);
      const { method, path, body } = call;
      return {
        result: terminal,
        calls: [callTo(ptp, 'SENDER', method, path, orderingKey(terminalId), body)],
      };
    });
  };

  /** The activation a put() answers: found before the transaction (for its partner), then again locked. */
  const activationOf = (terminal: Terminal, options: PutOptions, db: Db) =>
    store.activations.match(db, terminal, options.activationId);

  return {
    async put(input, options = {}) {
      const given = readTerminal(input, now());
      const activation = await activationOf(given, options, store.db);
      if (options.activationId !== undefined && !activation)
        throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown activation request ${options.activationId}`, {
          httpStatus: 404,
        });
      const to = options.partnerId ?? activation?.partnerId;
      const partners = to
        ? [await paymentsPartner(node, to, 'RECEIVER')]
        : (await node.registry.list()).flatMap((partner) => {
            const url = paymentsUrl(partner, 'RECEIVER');
            return url ? [{ partner, url }] : [];
          });
      return writeAndSend(node, wake, async (trx) => {
        const before = await store.terminals.get(OWN_PAYMENTS, given.terminal_id, {
          db: trx,
          forUpdate: true,
        });
        const answering = activation ? await activationOf(given, options, trx) : undefined;
        checkAnswer(answering, given);
        const terminal = readTerminal(
          { ...activationFields(answering), ...keepAssignment(given, before?.object) },
          now(),
        );
        const linked = [...(before?.linked ?? []), ...partners.map((p) => p.partner.id)];
        await store.terminals.put(OWN_PAYMENTS, terminal, { linked, deactivatedAt: null }, trx);
        if (answering) await store.activations.answer(trx, answering.id, keyOf(terminal.terminal_id), now());
        return {
          result: terminal,
          calls: partners.map((p) =>
            callTo(p, 'RECEIVER', 'POST', ['terminals'], orderingKey(terminal.terminal_id), terminal),
          ),
        };
      });
    },
    async list() {
      const own = node.parties.some((p) => p.role === 'PTP');
      const filter = own ? { partnerId: OWN_PAYMENTS } : { received: true as const };
      return (await store.terminals.list(filter)).items.map(storedTerminal);
    },
    assign(terminalId, assignment, which = {}) {
      const changes = {
        ...(assignment.locationIds ? { location_ids: assignment.locationIds } : {}),
        ...(assignment.evseUids ? { evse_uids: assignment.evseUids } : {}),
      };
      return changeReceived(terminalId, which, (stored, at) => {
        const terminal = readTerminal({ ...stored.terminal, ...changes, last_updated: at.toISOString() }, at);
        const body = { ...changes, last_updated: terminal.last_updated };
        return {
          terminal,
          call: { method: 'PATCH', path: ['terminals', stored.terminal.terminal_id], body },
        };
      });
    },
    update(terminalId, fields, which = {}) {
      return changeReceived(terminalId, which, (stored, at) => {
        const terminal = readTerminal({ ...stored.terminal, ...fields, last_updated: at.toISOString() }, at);
        return {
          terminal,
          call: { method: 'PUT', path: ['terminals', terminal.terminal_id], body: terminal },
        };
      });
    },
    async activate(partnerId, input) {
      const activation = readActivation(input, now());
      const ptp = await paymentsPartner(node, partnerId, 'SENDER');
      const key = `activations/${activation.reference ?? activation.terminal_id ?? activation.last_updated}`;
      return writeAndSend(node, wake, async () => ({
        result: activation,
        calls: [callTo(ptp, 'SENDER', 'POST', ['terminals', 'activate'], key, activation)],
      }));
    },
    async deactivate(terminalId, which = {}) {
      await changeReceived(terminalId, which, (stored) => ({
        terminal: stored.terminal,
        deactivate: true,
        call: { method: 'POST', path: ['terminals', stored.terminal.terminal_id, 'deactivate'], body: {} },
      }));
    },
    sync: (partnerId, options) => syncTerminals(node, store, partnerId, options),
  };
}

/** An activation answered by another Terminal already cannot be answered again. */
function checkAnswer(activation: StoredActivation | undefined, terminal: Terminal): void {
  const by = activation?.answered?.terminalKey;
  if (by !== undefined && by !== keyOf(terminal.terminal_id))
    throw OcpiError.invalid(`activation request ${activation?.id} was answered by Terminal ${by} already`);
}

/** What an activation request says about the terminal, to fill in what the PTP leaves out. */
function activationFields(activation: StoredActivation | undefined): JsonObject {
  if (!activation) return {};
  const { terminal_id: _id, last_updated: _at, ...fields } = activation.activation;
  return fields;
}
