import { randomUUID } from 'node:crypto';
import type { ClockTimer } from '../../clock.ts';
import { enqueueMany, type OutboxMessage } from '../../delivery/outbox.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { CommandRepository, type CommandRow, type CommandStatus } from '../../store/command-repository.ts';
import { GroupCommit } from '../../store/group-commit.ts';
import { routingHeadersFor } from '../../transport/routing-headers.ts';
import { CommandInserter } from './command-inserter.ts';
import { ResultBacklog, type ResultBacklogOptions, type ResultKind } from './result-backlog.ts';

export type { ResultBacklogOptions };

type Db = OcpiNode['store']['db'];

/** What a side of the node does with a request that reached its deadline unanswered. */
export type Expire = (id: string) => Promise<unknown>;

export interface ReceivedRequestsOptions {
  /**
   * The `command` names this side owns in `ocpi_commands`: resume() takes up only these, so
   * that commands and charging profiles, which share the table, each resume their own rows.
   */
  names: readonly string[];
  /** Seconds from acceptance to the deadline. */
  timeoutSeconds: number;
  /** Called after each commit that enqueued something. */
  wake: () => void;
  /** Called once when a request's deadline passes while it is still pending. */
  expire: Expire;
  /** The outbox kind of this side's results, and how many of a partner's may wait before its requests do. */
  results: { kind: ResultKind } & ResultBacklogOptions;
}

/** A request a partner sent us, accepted, to be kept until its one result is sent. */
export interface AcceptedRequest {
  partner: Partner;
  version: OcpiVersion;
  command: string;
  /** Stored as JSON text; read back by the side that wrote it. */
  request: unknown;
  responseUrl: string;
  /** The party that asked, as 'CC*PID' (through a hub, the party behind it): its result goes to it. */
  party?: string;
  /** Seconds to its deadline, when not the side's own timeout (a decision chose them). */
  timeoutSeconds?: number;
}

/**
 * What settling a request does in its transaction, planned beforehand: the messages to
 * enqueue (its result first), and anything else to write.
 */
export interface Work {
  messages: OutboxMessage[];
  also?: (trx: Db) => Promise<unknown>;
}

/** What settling a request plans its work from: its row as inserted (created_at is the store's). */
export type PendingRow = Omit<CommandRow, 'created_at'>;

/** A pending request to settle, and how to plan its work once its row and partner are known. */
interface Settling {
  id: string;
  status: Exclude<CommandStatus, 'pending'>;
  result: string;
  plan: (row: PendingRow, partner: Partner) => Promise<Work>;
}

/**
 * The durable life of a request a partner sent us as receiver (a command, a charging profile
 * request), from its acceptance to its one asynchronous result: the row in `ocpi_commands`
 * (a duplicate on the same response_url within the timeout is not inserted), the deadline
 * timer, settling the row and enqueueing its result in one transaction (once: a late answer
 * finds nothing to do), and taking the timers up again after a restart.
 */
export class ReceivedRequests {
  private readonly timers = new Map<string, ClockTimer>();
  /**
   * The rows this process inserted and has not settled yet: settling them needs no read.
   * A row settled by another instance, or replaced, is caught by the conditional update.
   */
  private readonly inserted = new Map<string, PendingRow>();
  private readonly repository: CommandRepository;
  private readonly inserter: CommandInserter;
  private readonly backlog: ResultBacklog;
  /** Chargers answer many requests at once under load: settled together, in one transaction. */
  private readonly settles: GroupCommit<Settling, boolean>;

  constructor(
    private readonly node: OcpiNode,
    private readonly options: ReceivedRequestsOptions,
  ) {
    this.repository = new CommandRepository(node.store.db);
    this.inserter = new CommandInserter(this.repository, node.clock);
    this.backlog = new ResultBacklog(node, options.results);
    this.settles = new GroupCommit((batch) => this.settleTogether(batch));
  }

  get timeoutSeconds(): number {
    return this.options.timeoutSeconds;
  }

  /**
   * Persists a request; undefined when the same partner used its response_url for the same
   * command within the timeout (a duplicate, to be answered alike and executed once). The
   * caller arms the deadline when the request is on its way. While the partner's results are
   * behind, it first waits for them (see ResultBacklog).
   */
  async insert(accepted: AcceptedRequest): Promise<{ id: string; deadline: Date } | undefined> {
    await this.backlog.room(accepted.partner.id);
    const id = randomUUID();
    const seconds = accepted.timeoutSeconds ?? this.options.timeoutSeconds;
    const deadline = new Date(this.node.clock.now() + seconds * 1000);
    const row: PendingRow = {
      id,
      direction: 'received',
      partner_id: accepted.partner.id,
      version: accepted.version,
      command: accepted.command,
      request: JSON.stringify(accepted.request),
      response_url: accepted.responseUrl,
      status: 'pending',
      result: null,
      deadline,
      party: accepted.party ?? null,
    };
    if (!(await this.inserter.insert(row))) return undefined;
    this.inserted.set(id, row);
    return { id, deadline };
  }

  /**
   * Drops what this process keeps of a request it inserted and will not see through (its
   * next step failed): the row stays pending in the store, and a restart takes it up.
   */
  forget(id: string): void {
    this.inserted.delete(id);
  }

  /** Starts the timer that expires the request at its deadline (at once when it is past). */
  arm(id: string, deadline: Date): void {
    const timer = this.node.clock.setTimeout(
      () => {
        this.timers.delete(id);
        this.options
          .expire(id)
          .catch((err: Error) => this.node.log.error({ err, command: id }, 'could not expire a request'));
      },
      Math.max(0, deadline.getTime() - this.node.clock.now()),
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  /**
   * Moves a pending request to `status` with `result` and, in the same transaction, does what
   * `plan` returns (enqueue its result): once. `plan` runs before the transaction, where it
   * may read. False when the request is unknown or no longer pending (a late answer), or its
   * partner is gone. Settles that arrive together share one transaction (group commit).
   */
  async settle(
    id: string,
    status: Exclude<CommandStatus, 'pending'>,
    result: string,
    plan: (row: PendingRow, partner: Partner) => Promise<Work>,
  ): Promise<boolean> {
    const sent = await this.settles.add({ id, status, result, plan }).finally(() => this.inserted.delete(id));
    if (!sent) return false;
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    this.options.wake();
    return true;
  }

  /**
   * Settles a batch as settle() does one: rows read first (one statement for the rows this
   * process did not insert) and partners taken from the registry's cache, each request's
   * work planned, then in one transaction every row moved from pending (one statement; of
   * two settles of one request, the first wins) and the messages of those settled enqueued
   * together, in the batch's order.
   */
  private async settleTogether(batch: readonly Settling[]): Promise<boolean[]> {
    const rows = new Map<string, PendingRow>();
    for (const { id } of batch) {
      const known = this.inserted.get(id);
      if (known) rows.set(id, known);
    }
    const unknown = [...new Set(batch.map((s) => s.id))].filter((id) => !rows.has(id));
    for (const [id, row] of await this.repository.findMany(unknown)) rows.set(id, row);
    const partners = new Map<string, Partner | undefined>();
    for (const { partner_id: partnerId } of rows.values())
      if (!partners.has(partnerId)) partners.set(partnerId, await this.node.registry.getCached(partnerId));
    const works = await Promise.all(
      batch.map(async (s) => {
        const row = rows.get(s.id);
        const partner = row && partners.get(row.partner_id);
        return row && partner ? s.plan(row, partner) : undefined;
      }),
    );
    const firsts = new Map<string, number>();
    for (const [i, s] of batch.entries()) if (rows.has(s.id) && !firsts.has(s.id)) firsts.set(s.id, i);
    const candidates = batch.filter((s, i) => firsts.get(s.id) === i);
    const sent = await this.node.store.db.transaction().execute(async (trx) => {
      const settled = await this.repository.settleMany(candidates, trx);
      const moved = batch.map(
        (s, i) => settled.has(s.id) && firsts.get(s.id) === i && works[i] !== undefined,
      );
      const done = works.filter((w, i): w is Work => moved[i] === true && w !== undefined);
      await enqueueMany(
        trx,
        done.flatMap((w) => w.messages),
      );
      for (const work of done) await work.also?.(trx);
      return moved;
    });
    for (const [i, s] of batch.entries()) {
      const row = rows.get(s.id);
      if (sent[i] && row) this.backlog.enqueued(row.partner_id);
    }
    return sent;
  }

  /** After a restart: the deadlines of this side's pending requests (past ones expire at once). */
  async resume(): Promise<void> {
    const pending = await this.repository.pendingReceived(this.options.names);
    for (const row of pending) this.arm(row.id, new Date(row.deadline));
  }

  stop(): void {
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.inserted.clear();
    this.backlog.stop();
  }
}

/**
 * The routing headers of what we send a partner as CPO (2.2+): from our CPO party to the
 * partner's party `to` (default its first). The one place that picks them, so that routing
 * through hubs can replace it.
 */
export function cpoRoutingHeaders(
  node: OcpiNode,
  partner: Partner,
  version: OcpiVersion,
  to: { countryCode: string; partyId: string } | undefined = partner.parties[0],
): { headers?: Record<string, string> } {
  const us = node.parties.find((p) => p.role === 'CPO') ?? node.parties[0];
  return hasInterfaceRoles(version) && us && to ? { headers: routingHeadersFor(us, to) } : {};
}
