import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { HubClientChange } from '../partners/hubs.ts';
import type { Database } from '../store/schema.ts';
import { moveToDeadLetters } from './dead-letters.ts';
import type { DeadLetteredEvent, DeliveryLogger, MessageLogContext } from './events.ts';
import { TO_COUNTRY, TO_PARTY } from './hub-party.ts';
import type { ClaimedRow } from './outbox.ts';

/*
 * Parties behind a hub, as the hub reports them (HubClientInfo), and the outbox.
 *
 * A message's party is the one its OCPI-to headers name (kept in the `headers` column, whose
 * routing header names enqueue() writes in one spelling), and it is behind a hub when the
 * message's partner is a hub that announced that party. Then:
 *
 * - OFFLINE: the message is held. It is not claimed, so it is not attempted, no failure is
 *   counted and no retry falls due; the other parties behind the same hub are not held up
 *   (each object, and so each ordering key, belongs to one party). When the hub reports
 *   the party CONNECTED again, its held messages are due at once with a fresh retry window
 *   (a failure before the hold does not count against it) and the worker is woken.
 *   The spec (mod_hub_client_info, "Another Party goes OFFLINE") says not to queue pushes
 *   for an offline party and to leave the resynchronisation to its GET; this toolkit holds
 *   them instead, so a CDR is not lost for a short outage.
 * - PLANNED ("no requests can be sent to this new party yet"): held like OFFLINE, as the
 *   party is expected to come.
 * - SUSPENDED (the hub's way of deleting a ClientInfo): nothing can be delivered; the
 *   message goes to the dead letters unattempted, its last_error naming the party and hub,
 *   for an operator to settle the business another way (and replay if it comes back).
 * - CONNECTED, or no ClientInfo at all: delivered as any other message.
 */

/** What the worker needs of the node's hub directory: its reports. */
export interface HubReports {
  onChange(listener: (change: HubClientChange) => void): () => void;
}

/**
 * The worker's side of hub statuses: resumes held messages when their party comes back,
 * and dead-letters those for a suspended party when they are claimed.
 */
export class HubHold {
  private stopWatching: (() => void) | undefined;
  private readonly db: Kysely<Database>;
  private readonly log: DeliveryLogger;

  constructor(
    private readonly worker: { db: Kysely<Database>; log: DeliveryLogger; clock: Clock; workerId: string },
    private readonly hubs: HubReports | undefined,
    private readonly wake: () => void,
    private readonly deadLettered: (event: DeadLetteredEvent) => void,
  ) {
    this.db = worker.db;
    this.log = worker.log;
  }

  /** Listens to the hubs' reports (while the worker runs). */
  watch(): void {
    this.stopWatching ??= this.hubs?.onChange((change) => {
      this.changed(change).catch((err: Error) =>
        this.log.error({ err: err.message }, 'could not resume the messages of a party back at its hub'),
      );
    });
  }

  unwatch(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  private async changed({ client, previous }: HubClientChange): Promise<void> {
    if (client.status === 'CONNECTED' && previous !== undefined && previous !== 'CONNECTED') {
      const resumed = await this.db
        .updateTable('ocpi_outbox')
        .set({ next_attempt_at: null, first_failed_at: null })
        .where('partner_id', '=', client.partnerId)
        .where(sql<boolean>`upper(headers ->> ${sql.lit(TO_COUNTRY)}) = ${client.countryCode.toUpperCase()}`)
        .where(sql<boolean>`upper(headers ->> ${sql.lit(TO_PARTY)}) = ${client.partyId.toUpperCase()}`)
        .executeTakeFirst();
      const count = Number(resumed.numUpdatedRows);
      if (count > 0)
        this.log.info(
          { partnerId: client.partnerId, party: `${client.countryCode}*${client.partyId}`, count, previous },
          'party back at its hub: held messages resumed',
        );
    }
    this.wake();
  }

  /**
   * Dead-letters a claimed row whose party the hub reports SUSPENDED, unattempted; true when
   * the row was such a row (whether or not it was still this worker's to move).
   */
  async suspended(row: ClaimedRow, context: MessageLogContext): Promise<boolean> {
    if (row.hub_status !== 'SUSPENDED') return false;
    const now = new Date(this.worker.clock.now());
    const party = `${row.headers?.[TO_COUNTRY] ?? ''}*${row.headers?.[TO_PARTY] ?? ''}`.toUpperCase();
    const error = `not sent: party ${party} is SUSPENDED at hub ${row.partner_id}`;
    const deadLetter = await moveToDeadLetters(this.db, row, {
      workerId: this.worker.workerId,
      attempts: row.attempts,
      error,
      firstFailedAt: row.first_failed_at ?? now,
      deadAt: now,
      refused: true,
    });
    if (deadLetter) {
      this.log.warn({ ...context, error }, 'outbox message dead-lettered: its party is suspended at the hub');
      this.deadLettered({ deadLetter });
    }
    return true;
  }
}
