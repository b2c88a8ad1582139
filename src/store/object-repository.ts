import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import { type Clock, systemClock } from '../clock.ts';
import type { JsonObject } from '../model/json.ts';
import type { InvalidationBus } from './invalidation.ts';
import type { Database } from './schema.ts';
import type { ObjectTable } from './schema-objects.ts';

/** Identifies one stored object. */
export interface ObjectKey {
  module: string;
  /** 'own', or 'partner:<id>' for what a partner pushed to us. */
  owner: string;
  countryCode: string;
  partyId: string;
  objectId: string;
  subtype?: string;
}

export interface StoredObject<T> {
  key: ObjectKey;
  data: T;
  lastUpdated: Date;
  seq: string;
}

/** What a list asks for. `after` (a seq from a previous page) makes the page a keyset read. */
export interface ListQuery {
  module: string;
  owner: string;
  offset: number;
  limit: number;
  dateFrom?: Date;
  dateTo?: Date;
  after?: string;
  /** Restrict to objects meant for one of these audiences ('CC*PID'), e.g. a partner's parties. */
  audiences?: string[];
}

export interface ListPage<T> {
  items: StoredObject<T>[];
  total: number;
}

type Db = Kysely<Database>;

/** The row of one key, for select and delete alike. */
function matchesKey(key: ObjectKey) {
  return (eb: ExpressionBuilder<Database, 'ocpi_objects'>) =>
    eb.and([
      eb('module', '=', key.module),
      eb('owner', '=', key.owner),
      eb('country_code', '=', key.countryCode.toUpperCase()),
      eb('party_id', '=', key.partyId.toUpperCase()),
      eb('object_id', '=', key.objectId),
      eb('subtype', '=', key.subtype ?? ''),
    ]);
}

function where(db: Db, key: ObjectKey) {
  return db.selectFrom('ocpi_objects').where(matchesKey(key));
}

const KEY_COLUMNS = ['module', 'owner', 'country_code', 'party_id', 'object_id', 'subtype'] as const;

function toRow(key: ObjectKey, data: object, lastUpdated: Date, audience: string) {
  return {
    module: key.module,
    owner: key.owner,
    country_code: key.countryCode.toUpperCase(),
    party_id: key.partyId.toUpperCase(),
    object_id: key.objectId,
    subtype: key.subtype ?? '',
    audience,
    data: JSON.stringify(data),
    last_updated: lastUpdated,
  };
}

function toStored<T>(row: Selectable<ObjectTable>): StoredObject<T> {
  return {
    key: {
      module: row.module,
      owner: row.owner,
      countryCode: row.country_code,
      partyId: row.party_id,
      objectId: row.object_id,
      subtype: row.subtype,
    },
    // Rows are written from the repository's objects (put, insert): what comes back is one.
    data: row.data as T,
    lastUpdated: new Date(row.last_updated),
    seq: String(row.seq),
  };
}

/** How many writes between two ANALYZE runs on an embedded store (it has no autovacuum). */
const ANALYZE_EVERY = 10_000;
const COUNT_CACHE_SIZE = 1000;

const OBJECTS_TOPIC = 'objects';

export interface ObjectRepositoryOptions {
  /** How long list totals and lookups by id are kept (default 2 s); writes drop them at once. */
  countCacheMs?: number;
  /** Refresh the planner's statistics now and then (an embedded store has no autovacuum). */
  analyze?: boolean;
  /** Carries cache drops to the other instances on the same database. */
  invalidations?: InvalidationBus;
  /** Cache ages are measured with it (default the system clock). */
  clock?: Clock;
}

/** OCPI objects in the store, whatever the module: one table, canonical JSON. */
export class ObjectRepository<T extends object = JsonObject> {
  /**
   * Recent list totals. count(*) over a large module costs more than the page itself;
   * X-Total-Count may lag by up to the TTL (the spec lets totals move while paging), and
   * writes through this repository drop their module's entries at once.
   */
  private readonly counts = new Map<string, { n: number; at: number }>();
  /** Recent lookups by id (commands check their Location on every request); same TTL and invalidation. */
  private readonly found = new Map<string, { row: StoredObject<T> | undefined; at: number }>();
  private writes = 0;
  /**
   * Moves on every drop. A lookup caches what it read only if no drop came while it read: a
   * read that raced a write (it started before the write committed) must not be kept.
   */
  private generation = 0;
  private readonly clock: Clock;

  constructor(
    private readonly db: Db,
    private readonly options: ObjectRepositoryOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    options.invalidations?.subscribe(OBJECTS_TOPIC, (prefix) => this.forget(prefix));
  }

  /** Drops the cached totals and lookups under a `module|owner|` prefix, or all of them. */
  private forget(prefix: string | undefined): void {
    this.generation++;
    for (const cache of [this.counts, this.found])
      for (const key of cache.keys()) if (prefix === undefined || key.startsWith(prefix)) cache.delete(key);
  }

  /** After a write (in `db`, a transaction or not): here at once, on the other instances on commit. */
  private async wrote(module: string, owner: string, db: Db): Promise<void> {
    const prefix = `${module}|${owner}|`;
    this.forget(prefix);
    await this.options.invalidations?.publish(OBJECTS_TOPIC, prefix, db);
    if (this.options.analyze && ++this.writes % ANALYZE_EVERY === 0) {
      // Keeps the planner on the (module, owner, seq) index as the table grows.
      sql`analyze ocpi_objects`.execute(this.db).catch(() => {});
    }
  }

  private async count(key: string, query: () => Promise<{ n: string | number | bigint }>): Promise<number> {
    const ttl = this.options.countCacheMs ?? 2000;
    const cached = this.counts.get(key);
    if (cached && this.clock.now() - cached.at < ttl) return cached.n;
    const generation = this.generation;
    const n = Number((await query()).n);
    if (generation !== this.generation) return n;
    if (this.counts.size >= COUNT_CACHE_SIZE) this.counts.clear();
    this.counts.set(key, { n, at: this.clock.now() });
    return n;
  }

  async get(key: ObjectKey, db: Db = this.db): Promise<StoredObject<T> | undefined> {
    const row = await where(db, key).selectAll().executeTakeFirst();
    return row ? toStored<T>(row) : undefined;
  }

  /** An object by id alone, whichever party owns it (the sender's GET of one object). */
  async findById(
    module: string,
    owner: string,
    objectId: string,
    subtype = '',
  ): Promise<StoredObject<T> | undefined> {
    const key = `${module}|${owner}|${objectId}|${subtype}`;
    const cached = this.found.get(key);
    if (cached && this.clock.now() - cached.at < (this.options.countCacheMs ?? 2000)) return cached.row;
    const generation = this.generation;
    const row = await this.db
      .selectFrom('ocpi_objects')
      .selectAll()
      .where('module', '=', module)
      .where('owner', '=', owner)
      .where('object_id', '=', objectId)
      .where('subtype', '=', subtype)
      .orderBy('seq')
      .executeTakeFirst();
    const stored = row ? toStored<T>(row) : undefined;
    if (generation !== this.generation) return stored;
    if (this.found.size >= COUNT_CACHE_SIZE) this.found.clear();
    this.found.set(key, { row: stored, at: this.clock.now() });
    return stored;
  }

  /** Locks the row for the rest of the transaction (read-modify-write of PATCH). */
  async getForUpdate(key: ObjectKey, db: Db): Promise<StoredObject<T> | undefined> {
    const row = await where(db, key).selectAll().forUpdate().executeTakeFirst();
    return row ? toStored<T>(row) : undefined;
  }

  /** Creates or replaces an object. Its insertion order (seq) is kept on replace. */
  async put(key: ObjectKey, data: T, lastUpdated: Date, db: Db = this.db, audience = ''): Promise<void> {
    await this.upsert(key, data, lastUpdated, db, audience, false);
  }

  /**
   * Creates or replaces an object unless the stored one is newer (its last_updated later
   * than `lastUpdated`; the same time replaces it). False, and nothing written, when it
   * was. One statement: it holds between instances that share the database.
   */
  putUnlessOlder(
    key: ObjectKey,
    data: T,
    lastUpdated: Date,
    db: Db = this.db,
    audience = '',
  ): Promise<boolean> {
    return this.upsert(key, data, lastUpdated, db, audience, true);
  }

  private async upsert(
    key: ObjectKey,
    data: T,
    lastUpdated: Date,
    db: Db,
    audience: string,
    unlessOlder: boolean,
  ): Promise<boolean> {
    const written = await db
      .insertInto('ocpi_objects')
      .values(toRow(key, data, lastUpdated, audience))
      .onConflict((oc) => {
        const replace = oc.columns(KEY_COLUMNS).doUpdateSet({
          data: (eb) => eb.ref('excluded.data'),
          last_updated: (eb) => eb.ref('excluded.last_updated'),
          audience: (eb) => eb.ref('excluded.audience'),
        });
        return unlessOlder
          ? replace.whereRef('ocpi_objects.last_updated', '<=', 'excluded.last_updated')
          : replace;
      })
      .returning('seq')
      .executeTakeFirst();
    if (written) await this.wrote(key.module, key.owner, db);
    return written !== undefined;
  }

  /**
   * Creates an object unless one with its key exists (immutable objects, e.g. CDRs).
   * False, and nothing written, when it did.
   */
  async insert(
    key: ObjectKey,
    data: T,
    lastUpdated: Date,
    db: Db = this.db,
    audience = '',
  ): Promise<boolean> {
    const inserted = await db
      .insertInto('ocpi_objects')
      .values(toRow(key, data, lastUpdated, audience))
      .onConflict((oc) => oc.columns(KEY_COLUMNS).doNothing())
      .returning('seq')
      .executeTakeFirst();
    if (inserted) await this.wrote(key.module, key.owner, db);
    return inserted !== undefined;
  }

  async delete(key: ObjectKey, db: Db = this.db): Promise<boolean> {
    const result = await db.deleteFrom('ocpi_objects').where(matchesKey(key)).executeTakeFirst();
    await this.wrote(key.module, key.owner, db);
    return result.numDeletedRows > 0n;
  }

  /**
   * A page in insertion order. With `after`, the page starts right after that seq
   * (keyset: the cost does not grow with the offset); otherwise OFFSET is used.
   */
  async list(query: ListQuery): Promise<ListPage<T>> {
    let base = this.db
      .selectFrom('ocpi_objects')
      .where('module', '=', query.module)
      .where('owner', '=', query.owner);
    if (query.dateFrom) base = base.where('last_updated', '>=', query.dateFrom);
    if (query.dateTo) base = base.where('last_updated', '<', query.dateTo);
    if (query.audiences) {
      if (query.audiences.length === 0) return { items: [], total: 0 };
      base = base.where('audience', 'in', query.audiences);
    }
    let page = base.selectAll().orderBy('seq').limit(query.limit);
    page = query.after !== undefined ? page.where('seq', '>', query.after) : page.offset(query.offset);
    const countKey = [
      query.module,
      query.owner,
      query.dateFrom?.getTime(),
      query.dateTo?.getTime(),
      JSON.stringify(query.audiences ?? null),
    ].join('|');
    const [rows, total] = await Promise.all([
      query.limit === 0 ? Promise.resolve([]) : page.execute(),
      this.count(countKey, () => base.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()),
    ]);
    return { items: rows.map((r) => toStored<T>(r)), total };
  }
}
