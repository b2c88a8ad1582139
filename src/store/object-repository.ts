import { type Kysely, sql } from 'kysely';
import { type Clock, systemClock } from '../clock.ts';
import type { JsonObject } from '../model/json.ts';
import { type Cached, changeOf, dropWhere } from './cache-drops.ts';
import { GroupCommit } from './group-commit.ts';
import type { InvalidationBus } from './invalidation.ts';
import { type IndexedObject, type IndexedPage, type IndexQuery, ObjectIndex } from './object-index.ts';
import { indexSource } from './object-index-source.ts';
import {
  KEY_COLUMNS,
  matchesKey,
  type ObjectKey,
  type ObjectWrite,
  objectKeyString,
  type Row,
  replaceOnConflict,
  rowKey,
  type StoredObject,
  toRow,
  toStored,
  where,
} from './object-rows.ts';
import type { Database } from './schema.ts';

export type { ObjectKey, ObjectWrite, StoredObject };

/** What a list asks for: a page of one module's objects of one owner (see IndexQuery). */
export interface ListQuery extends IndexQuery {
  module: string;
  owner: string;
}

export interface ListPage<T> {
  items: StoredObject<T>[];
  total: number;
}

type Db = Kysely<Database>;

/** Rows by rowKey(), in key order: the order in which writes of several rows take their locks. */
function inKeyOrder(rows: ReadonlyMap<string, Row>): Row[] {
  return [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** How many writes between two ANALYZE runs on an embedded store (it has no autovacuum). */
const ANALYZE_EVERY = 10_000;
const COUNT_CACHE_SIZE = 1000;

const OBJECTS_TOPIC = 'objects';
/** The longest list held in memory (about 150 bytes an object); longer ones are paged by the store. */
export const DEFAULT_MAX_INDEXED_OBJECTS = 500_000;

export interface ObjectRepositoryOptions {
  /** How long list totals and lookups by id are kept (default 2 s); writes drop them at once. */
  countCacheMs?: number;
  /** Refresh the planner's statistics now and then (an embedded store has no autovacuum). */
  analyze?: boolean;
  /**
   * Carries cache drops to the other instances on the same database; nothing cached is
   * answered before it caught up with what they wrote (InvalidationBus.caughtUp).
   */
  invalidations?: InvalidationBus;
  /** Cache ages are measured with it (default the system clock). */
  clock?: Clock;
  /**
   * Lists with more objects than this are not held in memory (see ObjectIndex): their pages
   * are read from the store, whose OFFSET costs more the further it goes (default 500,000).
   */
  maxIndexedObjects?: number;
}

/**
 * OCPI objects in the store, whatever the module: one table, canonical JSON. Lists are paged
 * from an index of each list in memory (ObjectIndex), kept up to date by the writes of this
 * instance and, through the invalidation bus, of the others on the same database.
 */
export class ObjectRepository<T extends object = JsonObject> {
  /**
   * Recent list totals, for lists too long to index. count(*) over a large module costs more
   * than the page itself; X-Total-Count may lag by up to the TTL (the spec lets totals move
   * while paging), and writes through this repository drop their module's entries at once.
   */
  private readonly counts = new Map<string, Cached<{ n: number }>>();
  /** Recent lookups by id (commands check their Location on every request); same TTL and invalidation. */
  private readonly found = new Map<string, Cached<{ row: StoredObject<T> | undefined }>>();
  /** The index of each list read so far (`module|owner`), kept up to date with the writes heard. */
  private readonly indexes = new Map<string, ObjectIndex>();
  private writes = 0;
  /**
   * Moves on every drop. A lookup caches what it read only if no drop came while it read: a
   * read that raced a write (it started before the write committed) must not be kept.
   */
  private generation = 0;
  private readonly clock: Clock;
  /** read()s waiting to go together, up to 8 statements at once (GroupCommit batches reads as well). */
  private readonly reads = new GroupCommit<ObjectKey, StoredObject<T> | undefined>(
    async (keys) => {
      const found = await this.getMany(keys, this.db);
      return keys.map((key) => found.get(objectKeyString(key)));
    },
    500,
    8,
  );

  constructor(
    private readonly db: Db,
    private readonly options: ObjectRepositoryOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    options.invalidations?.subscribe(OBJECTS_TOPIC, (change) => this.forget(change));
  }

  /**
   * Drops what is cached of a change (see changeOf()): the totals of its list, the lookup of
   * its object, and marks it in the list's index; all of it when `payload` is undefined (or
   * of a shape this version does not know).
   */
  private forget(payload: string | undefined): void {
    this.generation++;
    const change = payload === undefined ? undefined : changeOf(payload);
    if (!change) {
      dropWhere(this.counts, () => true);
      dropWhere(this.found, () => true);
      for (const index of this.indexes.values()) index.changed();
      return;
    }
    const prefix = `${change.module}|${change.owner}|`;
    dropWhere(this.counts, (key) => key.startsWith(prefix));
    if (change.object && payload !== undefined) dropWhere(this.found, (key) => key === payload);
    else dropWhere(this.found, (key) => key.startsWith(prefix));
    this.indexes.get(`${change.module}|${change.owner}`)?.changed(change.object);
  }

  /**
   * After a write (in `db`, a transaction or not): here at once, on the other instances on
   * commit. `change` is an object's key, or `module|owner|` for many objects of one list.
   */
  private async wrote(change: ObjectKey | string | readonly ObjectKey[], db: Db, count = 1): Promise<void> {
    const changes = Array.isArray(change) ? change : [change];
    const payloads = changes.map((c: ObjectKey | string) =>
      typeof c === 'string' ? c : `${c.module}|${c.owner}|${c.objectId}|${c.subtype ?? ''}`,
    );
    const unique = [...new Set(payloads)];
    for (const payload of unique) this.forget(payload);
    await this.options.invalidations?.publish(OBJECTS_TOPIC, unique, db);
    this.writes += Math.max(count, changes.length);
    if (this.options.analyze && this.writes >= ANALYZE_EVERY) {
      this.writes = 0;
      // Keeps the planner on the (module, owner, seq) index as the table grows.
      sql`analyze ocpi_objects`.execute(this.db).catch(() => {});
    }
  }

  /**
   * A cached entry, if it is young enough and no instance wrote anything that drops it before
   * this call (the invalidation bus has caught up); undefined otherwise.
   */
  private async cached<V>(cache: Map<string, Cached<V>>, key: string): Promise<V | undefined> {
    const entry = cache.get(key);
    if (!entry || this.clock.now() - entry.at >= (this.options.countCacheMs ?? 2000)) return undefined;
    if (!(await (this.options.invalidations?.caughtUp() ?? true))) return undefined;
    // Replaced meanwhile by a newer read is fine; dropped by a write is not.
    return entry.dropped ? undefined : entry;
  }

  /**
   * The index of a list once it has heard of every write another instance acknowledged before
   * this call (InvalidationBus.caughtUp); when that cannot be known, all of it is read again.
   */
  private async freshIndexOf(module: string, owner: string): Promise<ObjectIndex> {
    const index = this.indexOf(module, owner);
    if (!(await (this.options.invalidations?.caughtUp() ?? true))) index.changed();
    return index;
  }

  /** The index of a list, made (empty, read on first use) when first asked for. */
  private indexOf(module: string, owner: string): ObjectIndex {
    const name = `${module}|${owner}`;
    let index = this.indexes.get(name);
    if (!index) {
      index = new ObjectIndex(
        indexSource(this.db, module, owner),
        this.options.maxIndexedObjects ?? DEFAULT_MAX_INDEXED_OBJECTS,
      );
      this.indexes.set(name, index);
    }
    return index;
  }

  private async count(key: string, query: () => Promise<{ n: string | number | bigint }>): Promise<number> {
    const cached = await this.cached(this.counts, key);
    if (cached) return cached.n;
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
    const cached = await this.cached(this.found, key);
    if (cached) return cached.row;
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

  /**
   * getForUpdate() of several objects in one statement: the rows that exist, by objectKeyString(),
   * locked in key order (two such transactions never wait for each other in a cycle).
   */
  async getManyForUpdate(keys: readonly ObjectKey[], db: Db): Promise<Map<string, StoredObject<T>>> {
    return this.getMany(keys, db, true);
  }

  /** Objects by key, by rowKey(); with `forUpdate`, their rows locked, in key order. */
  private async getMany(
    keys: readonly ObjectKey[],
    db: Db,
    forUpdate = false,
  ): Promise<Map<string, StoredObject<T>>> {
    if (keys.length === 0) return new Map();
    const query = db
      .selectFrom('ocpi_objects')
      .selectAll()
      .where((eb) => eb.or(keys.map((key) => matchesKey(key)(eb))));
    const rows = forUpdate
      ? await query
          .orderBy(KEY_COLUMNS.map((c) => `${c} asc` as const))
          .forUpdate()
          .execute()
      : await query.execute();
    return new Map(rows.map((row) => [rowKey(row), toStored<T>(row)]));
  }

  /**
   * get(), outside a transaction, for many callers at once: the keys asked for in one turn
   * of the event loop are read in one statement (publishing N changes is then one read, not
   * N). Each read starts after its call, so it sees every write committed before it.
   */
  read(key: ObjectKey): Promise<StoredObject<T> | undefined> {
    return this.reads.add(key);
  }

  /**
   * put() of several objects in one statement, with one message to the other instances; of
   * a key given more than once, the last write is stored.
   */
  async putMany(writes: ReadonlyArray<ObjectWrite<T> & { audience: string }>, db: Db): Promise<void> {
    const rows = new Map(
      writes.map((w) => {
        const row = toRow(w.key, w.data, w.lastUpdated, w.audience);
        return [rowKey(row), row];
      }),
    );
    if (rows.size === 0) return;
    await db
      .insertInto('ocpi_objects')
      // In key order, as getManyForUpdate() locks: concurrent batches never wait in a cycle.
      .values(inKeyOrder(rows))
      .onConflict((oc) => replaceOnConflict(oc, false))
      .execute();
    await this.wrote(
      writes.map((w) => w.key),
      db,
    );
  }

  /** Creates or replaces an object. Its insertion order (seq) is kept on replace. */
  async put(key: ObjectKey, data: T, lastUpdated: Date, db: Db = this.db, audience = ''): Promise<void> {
    await db
      .insertInto('ocpi_objects')
      .values(toRow(key, data, lastUpdated, audience))
      .onConflict((oc) => replaceOnConflict(oc, false))
      .execute();
    await this.wrote(key, db);
  }

  /**
   * Creates or replaces objects, each unless the stored one is newer (its last_updated later;
   * the same time replaces it): whether each was written, in their order. One statement in
   * one transaction with its cache drop, so it holds between instances sharing the database.
   * Writes of one key are taken as made one after another in order of time, then of arrival:
   * the latest is stored, those of its time count as written (each replaced the one before),
   * older ones as not.
   */
  async putManyUnlessOlder(writes: ReadonlyArray<ObjectWrite<T>>): Promise<boolean[]> {
    const rows = writes.map((w) => toRow(w.key, w.data, w.lastUpdated, ''));
    const latest = new Map<string, Row>();
    for (const row of rows) {
      const before = latest.get(rowKey(row));
      if (!before || row.last_updated.getTime() >= before.last_updated.getTime())
        latest.set(rowKey(row), row);
    }
    const written = await this.db.transaction().execute(async (trx) => {
      const stored = await trx
        .insertInto('ocpi_objects')
        // In key order: batches written at once never wait for each other in a cycle.
        .values(inKeyOrder(latest))
        .onConflict((oc) => replaceOnConflict(oc, true))
        .returning(KEY_COLUMNS)
        .execute();
      const owners = new Map<string, { module: string; owner: string; count: number }>();
      for (const { module, owner } of stored) {
        const entry = owners.get(`${module}|${owner}`) ?? { module, owner, count: 0 };
        entry.count++;
        owners.set(`${module}|${owner}`, entry);
      }
      for (const { module, owner, count } of owners.values())
        await this.wrote(`${module}|${owner}|`, trx, count);
      return new Set(stored.map(rowKey));
    });
    return rows.map(
      (row) =>
        written.has(rowKey(row)) &&
        latest.get(rowKey(row))?.last_updated.getTime() === row.last_updated.getTime(),
    );
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
    if (inserted) await this.wrote(key, db);
    return inserted !== undefined;
  }

  async delete(key: ObjectKey, db: Db = this.db): Promise<boolean> {
    const result = await db.deleteFrom('ocpi_objects').where(matchesKey(key)).executeTakeFirst();
    await this.wrote(key, db);
    return result.numDeletedRows > 0n;
  }

  /**
   * A page in insertion order, from the list's index (any offset costs the same), or from
   * the store when the list is too long to index: there `after` (a seq from a previous page)
   * makes the page a keyset read, whose cost does not grow with the offset as OFFSET's does.
   */
  async list(query: ListQuery): Promise<ListPage<T>> {
    const indexed = await this.indexedPage(query);
    if (indexed) {
      const stored = await this.dataOf(query.module, query.owner, indexed.items);
      return { items: stored.filter((o) => o !== undefined), total: indexed.total };
    }
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

  /**
   * A page of a list as its index holds it: which objects, not their data (see dataOf());
   * undefined when the list is too long to index.
   */
  async indexedPage(query: ListQuery): Promise<IndexedPage | undefined> {
    return (await this.freshIndexOf(query.module, query.owner)).page(query);
  }

  /**
   * An object by id alone, whichever party owns it, as the index of its list holds it; null
   * when there is none, undefined when the list is too long to index.
   */
  async indexedById(
    module: string,
    owner: string,
    objectId: string,
    subtype = '',
  ): Promise<IndexedObject | null | undefined> {
    return (await this.freshIndexOf(module, owner)).find(objectId, subtype);
  }

  /** The stored objects of index entries, position by position; undefined where one was deleted since. */
  async dataOf(
    module: string,
    owner: string,
    objects: readonly IndexedObject[],
  ): Promise<Array<StoredObject<T> | undefined>> {
    if (objects.length === 0) return [];
    const rows = await this.db
      .selectFrom('ocpi_objects')
      .selectAll()
      .where('module', '=', module)
      .where('owner', '=', owner)
      .where(
        'seq',
        'in',
        objects.map((o) => String(o.seq)),
      )
      .execute();
    const bySeq = new Map(rows.map((row) => [Number(row.seq), row]));
    return objects.map((o) => {
      const row = bySeq.get(o.seq);
      return row && toStored<T>(row);
    });
  }
}
