import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { type Clock, type ClockTimer, systemClock } from '../clock.ts';
import type { Database } from './schema.ts';
import { SharedRoundTrip } from './shared-round-trip.ts';

/**
 * Tells the other instances on the same database that something they may have cached changed.
 * Caches in memory (token lookups, recent object lookups, list totals) are dropped locally by the
 * writer at once; this carries the same drop to the other processes. On PostgreSQL it is
 * NOTIFY on a channel of the schema, sent inside the writing transaction so that it goes out
 * exactly when the write commits; on PGlite (one process owns the database) there is no one
 * else to tell.
 */
export interface InvalidationBus {
  /**
   * Announces `topic`/`payload` (or each of several payloads, in one statement) to the other
   * instances; on commit when `db` is a transaction.
   */
  publish(topic: string, payload: string | readonly string[], db?: Kysely<Database>): Promise<void>;
  /**
   * Calls `handler` for what the instances (this one too, once its write committed) publish on
   * `topic`, and with `undefined` when messages may have been missed (the listening connection
   * was lost): drop everything then.
   */
  subscribe(topic: string, handler: (payload: string | undefined) => void): () => void;
  /**
   * Resolves once what every instance published before this call has reached this instance's
   * subscribers: true then; false when that cannot be known (not listening at the moment), and
   * nothing cached may be trusted. A cache checks it before it answers from memory: a write
   * another instance acknowledged is never answered with what was cached before it.
   */
  caughtUp(): Promise<boolean>;
  close(): Promise<void>;
}

type Handler = (payload: string | undefined) => void;

class Subscribers {
  private readonly byTopic = new Map<string, Set<Handler>>();

  add(topic: string, handler: Handler): () => void {
    const set = this.byTopic.get(topic) ?? new Set<Handler>();
    this.byTopic.set(topic, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  deliver(topic: string, payload: string | undefined): void {
    for (const handler of this.byTopic.get(topic) ?? []) handler(payload);
  }

  deliverAll(payload: undefined): void {
    for (const topic of this.byTopic.keys()) this.deliver(topic, payload);
  }
}

/** One process owns the database: nothing to tell anyone. */
export function localInvalidationBus(): InvalidationBus {
  return {
    publish: async () => {},
    subscribe: () => () => {},
    caughtUp: async () => true,
    close: async () => {},
  };
}

/** Message on the wire: sender instance, topic, payload. */
const SEPARATOR = '\u001f';

export interface PostgresBusOptions {
  connectionString: string;
  schema: string | undefined;
  /** How long to wait before listening again after the connection was lost (default 1 s). */
  reconnectMs?: number;
  onError?: (error: unknown) => void;
  /** Times the reconnects (default the system clock). */
  clock?: Clock;
}

/** LISTEN/NOTIFY between the instances that share a PostgreSQL database (and schema). */
export async function postgresInvalidationBus(
  db: Kysely<Database>,
  options: PostgresBusOptions,
): Promise<InvalidationBus> {
  const instance = randomUUID();
  const channel = `ocpi_invalidate_${options.schema ?? 'public'}`;
  const subscribers = new Subscribers();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: ClockTimer | undefined;
  const clock = options.clock ?? systemClock;

  // Our own messages come back too, after our commit: the writer dropped its caches when it
  // wrote, but a read that ran between that and the commit may have cached the old row again.
  const onNotification = (message: pg.Notification) => {
    const [, topic, ...rest] = (message.payload ?? '').split(SEPARATOR);
    if (topic === undefined) return;
    subscribers.deliver(topic, rest.join(SEPARATOR));
  };

  const listen = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.connectionString });
    next.on('notification', onNotification);
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, undefined));
    await next.connect();
    await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    client = next;
  };

  const lost = (which: pg.Client, error: unknown) => {
    if (closed || which !== client) return;
    client = undefined;
    if (error) options.onError?.(error);
    which.removeAllListeners('end');
    void which.end().catch(() => {});
    // Whatever was published while we were not listening is unknown: forget everything.
    subscribers.deliverAll(undefined);
    const again = () => {
      retry = undefined;
      if (closed) return;
      listen().catch((e: unknown) => {
        options.onError?.(e);
        subscribers.deliverAll(undefined);
        retry = clock.setTimeout(again, options.reconnectMs ?? 1000);
      });
    };
    retry = clock.setTimeout(again, options.reconnectMs ?? 1000);
  };

  // A query on the listening connection itself. A writer's commit signals the listening
  // backends before the writer hears it committed, and a backend sends the notifications it
  // was signalled before it reads its next query: whatever committed before this query was
  // sent arrives (and is handed to the subscribers) before its answer.
  const roundTrip = new SharedRoundTrip(async () => {
    const on = client;
    if (!on) return false;
    try {
      await on.query('select 1');
      return on === client;
    } catch {
      return false;
    }
  });

  await listen();

  return {
    async publish(topic, payload, on = db) {
      const messages = (typeof payload === 'string' ? [payload] : payload).map((p) =>
        [instance, topic, p].join(SEPARATOR),
      );
      if (messages.length === 1) await sql`select pg_notify(${channel}, ${messages[0]})`.execute(on);
      else if (messages.length > 1)
        await sql`select pg_notify(${channel}, m) from unnest(${messages}::text[]) with ordinality u(m, i) order by i`.execute(
          on,
        );
    },
    subscribe: (topic, handler) => subscribers.add(topic, handler),
    caughtUp: () => roundTrip.after(),
    async close() {
      closed = true;
      retry?.cancel();
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}
