import type { Kysely } from 'kysely';
import { type Clock, systemClock } from '../../clock.ts';
import type { JsonObject } from '../../model/json.ts';
import { GroupCommit } from '../../store/group-commit.ts';
import type { IndexedObject } from '../../store/object-index.ts';
import {
  type ListQuery,
  ObjectRepository,
  type ObjectRepositoryOptions,
  type ObjectWrite,
} from '../../store/object-repository.ts';
import type { Database } from '../../store/schema.ts';
import type { CanonicalObjects } from './canonical.ts';
import { updatedAt } from './freshness.ts';
import { RenderedCache } from './rendered-cache.ts';

/**
 * Any module's object in the canonical (2.3.0) shape, as code that handles every module
 * alike sees it: fields read by name. Each module's own type is in CanonicalObjects.
 */
export type CanonicalObject = JsonObject;

/** Which object: its owner party and id (and token type). */
export interface ObjectRef {
  countryCode: string;
  partyId: string;
  id: string;
  subtype?: string;
}

export interface OwnListQuery {
  offset: number;
  limit: number;
  dateFrom?: Date;
  dateTo?: Date;
  /** Opaque position from the previous page's `cursor`: makes paging cost flat. */
  cursor?: string;
  /**
   * Only objects meant for one of these parties ('CC*PID'): what a partner with these
   * parties may see of a module whose objects have an audience (Sessions, CDRs).
   */
  audiences?: string[];
}

export interface OwnPage<T extends CanonicalObject = CanonicalObject> {
  items: T[];
  total: number;
  /** Where the next page starts, if the service supports keyset paging. */
  cursor?: string;
}

/**
 * The business side of one module, the seam where a user can put their own system
 * instead of our store: the objects we publish (sender), and the copies partners push
 * to us (receiver), kept apart per partner. `T` is the module's object (a v230 Location
 * for `services.locations`: see CanonicalObjects).
 */
export interface ObjectService<T extends CanonicalObject = CanonicalObject> {
  listOwn(query: OwnListQuery): Promise<OwnPage<T>>;
  /** One own object by id (any of our parties). */
  getOwn(id: string, subtype?: string): Promise<T | undefined>;
  getReceived(partnerId: string, ref: ObjectRef): Promise<T | undefined>;
  /**
   * Stores what a partner pushed (or we pulled) unless what is stored is newer: the spec
   * lets a receiver ignore data older than what it has. `lastUpdated` is the object's
   * last_updated; the same time again replaces it (a re-send). False, and nothing
   * written, when the stored object was newer. Must hold between instances sharing a store.
   */
  putReceived(partnerId: string, ref: ObjectRef, object: T, lastUpdated: Date): Promise<boolean>;
  /**
   * Changes what a partner pushed, atomically, also between instances sharing a store (a
   * PATCH, or a PUT of an EVSE, is a read-modify-write of the whole object): `change` is
   * given the stored object and returns the object to store, or undefined to leave it as
   * it is; what it throws is thrown. Undefined when nothing is stored.
   */
  updateReceived(
    partnerId: string,
    ref: ObjectRef,
    change: (stored: T) => T | undefined,
  ): Promise<{ object: T; changed: boolean } | undefined>;
  /**
   * Stores what a partner created, unless it exists already (immutable objects: CDRs);
   * false, and nothing changed, when it did.
   */
  createReceived(partnerId: string, ref: ObjectRef, object: T, lastUpdated: Date): Promise<boolean>;
  deleteReceived(partnerId: string, ref: ObjectRef): Promise<boolean>;
  /** What a partner pushed, paged (for the admin API and tests). */
  listReceived(partnerId: string, query: OwnListQuery): Promise<OwnPage<T>>;
}

/** The service of each module, over that module's objects. */
export type ObjectServices = { [M in keyof CanonicalObjects]: ObjectService<CanonicalObjects[M]> };

export const OWN = 'own';

const MAX_SEQ = 9_223_372_036_854_775_807n;

/**
 * Whether a cursor is one of our store's positions (a bigint seq). Anything else, even a
 * number too large for one, is not ours: the page is then found by its offset, which the
 * Link carries too.
 */
function isSeq(cursor: string): boolean {
  return /^\d{1,19}$/.test(cursor) && BigInt(cursor) <= MAX_SEQ;
}
export const receivedBy = (partnerId: string) => `partner:${partnerId}`;

export interface StoreObjectServiceOptions extends ObjectRepositoryOptions {
  /** Where the sender keeps the JSON it rendered of our objects: one per node, whose budget the modules share. */
  rendered?: RenderedCache;
  /**
   * How many batches of what partners push may be written at once (default 1). More than
   * one lets a server database overlap their commits; writes of one object still keep the
   * newest (putManyUnlessOlder), whichever batch commits first.
   */
  receivedWriteConcurrency?: number;
}

/** A page of our objects as the store's index holds them (see StoreObjectService.indexedOwn()). */
export interface IndexedOwnPage {
  items: IndexedObject[];
  total: number;
  cursor?: string;
}

/** The default service: our own store. */
export class StoreObjectService<T extends CanonicalObject = CanonicalObject> implements ObjectService<T> {
  readonly repo: ObjectRepository<T>;
  readonly rendered: RenderedCache;
  private readonly clock: Clock;
  /** What partners push arrives many at a time under load: written together (group commit). */
  private readonly received: GroupCommit<ObjectWrite<T>, boolean>;

  constructor(
    readonly module: string,
    private readonly db: Kysely<Database>,
    options: StoreObjectServiceOptions = {},
  ) {
    this.repo = new ObjectRepository<T>(db, options);
    this.rendered = options.rendered ?? new RenderedCache();
    this.clock = options.clock ?? systemClock;
    this.received = new GroupCommit(
      (writes) => this.repo.putManyUnlessOlder(writes),
      500,
      options.receivedWriteConcurrency ?? 1,
    );
  }

  private key(owner: string, ref: ObjectRef) {
    return {
      module: this.module,
      owner,
      countryCode: ref.countryCode,
      partyId: ref.partyId,
      objectId: ref.id,
      subtype: ref.subtype ?? '',
    };
  }

  private listQuery(owner: string, query: OwnListQuery): ListQuery {
    return {
      module: this.module,
      owner,
      offset: query.offset,
      limit: query.limit,
      ...(query.dateFrom ? { dateFrom: query.dateFrom } : {}),
      ...(query.dateTo ? { dateTo: query.dateTo } : {}),
      ...(query.cursor !== undefined && isSeq(query.cursor) ? { after: query.cursor } : {}),
      ...(query.audiences ? { audiences: query.audiences.map((a) => a.toUpperCase()) } : {}),
    };
  }

  private async page(owner: string, query: OwnListQuery): Promise<OwnPage<T>> {
    const page = await this.repo.list(this.listQuery(owner, query));
    const last = page.items[page.items.length - 1];
    return { items: page.items.map((i) => i.data), total: page.total, ...(last ? { cursor: last.seq } : {}) };
  }

  /**
   * A page of our objects as the store's index holds them, without their data (ownData()):
   * what a cache of their renderings is keyed by. Undefined when the list is too long to index.
   */
  async indexedOwn(query: OwnListQuery): Promise<IndexedOwnPage | undefined> {
    const page = await this.repo.indexedPage(this.listQuery(OWN, query));
    if (!page) return undefined;
    const last = page.items[page.items.length - 1];
    return { ...page, ...(last ? { cursor: String(last.seq) } : {}) };
  }

  /** One of our objects by id as the store's index holds it; null when unknown, undefined when not indexed. */
  indexedOwnById(id: string, subtype?: string): Promise<IndexedObject | null | undefined> {
    return this.repo.indexedById(this.module, OWN, id, subtype);
  }

  /** The data of our objects as the index holds them, position by position; undefined where one is gone. */
  async ownData(objects: readonly IndexedObject[]): Promise<Array<T | undefined>> {
    return (await this.repo.dataOf(this.module, OWN, objects)).map((stored) => stored?.data);
  }

  listOwn(query: OwnListQuery): Promise<OwnPage<T>> {
    return this.page(OWN, query);
  }

  async getOwn(id: string, subtype?: string): Promise<T | undefined> {
    const found = await this.repo.findById(this.module, OWN, id, subtype);
    return found?.data;
  }

  async getReceived(partnerId: string, ref: ObjectRef): Promise<T | undefined> {
    return (await this.repo.get(this.key(receivedBy(partnerId), ref)))?.data;
  }

  putReceived(partnerId: string, ref: ObjectRef, object: T, lastUpdated: Date): Promise<boolean> {
    return this.received.add({ key: this.key(receivedBy(partnerId), ref), data: object, lastUpdated });
  }

  /** Under a row lock (SELECT … FOR UPDATE) for the rest of the transaction. */
  updateReceived(
    partnerId: string,
    ref: ObjectRef,
    change: (stored: T) => T | undefined,
  ): Promise<{ object: T; changed: boolean } | undefined> {
    const key = this.key(receivedBy(partnerId), ref);
    return this.db.transaction().execute(async (trx) => {
      const stored = await this.repo.getForUpdate(key, trx);
      if (!stored) return undefined;
      const next = change(stored.data);
      if (!next) return { object: stored.data, changed: false };
      await this.repo.put(key, next, updatedAt(next) ?? new Date(this.clock.now()), trx);
      return { object: next, changed: true };
    });
  }

  createReceived(partnerId: string, ref: ObjectRef, object: T, lastUpdated: Date): Promise<boolean> {
    return this.repo.insert(this.key(receivedBy(partnerId), ref), object, lastUpdated);
  }

  deleteReceived(partnerId: string, ref: ObjectRef): Promise<boolean> {
    return this.repo.delete(this.key(receivedBy(partnerId), ref));
  }

  listReceived(partnerId: string, query: OwnListQuery): Promise<OwnPage<T>> {
    return this.page(receivedBy(partnerId), query);
  }
}
