/**
 * One object as the index of its list holds it: where it stands (seq) and what a page is
 * filtered by. Never changed: when the object changes, the index holds a new one, so what
 * is derived from an object (its rendered JSON) can be kept by this identity.
 */
export interface IndexedObject {
  readonly seq: number;
  readonly countryCode: string;
  readonly partyId: string;
  readonly objectId: string;
  readonly subtype: string;
  /** last_updated, in ms since the epoch. */
  readonly lastUpdated: number;
  /** 'CC*PID' of the party the object is meant for, or '' for every partner. */
  readonly audience: string;
}

/** What the index reads of a row: an IndexedObject, as the source makes it. */
export type IndexRow = IndexedObject;

/** Where an index reads its list from. */
export interface IndexSource {
  /** The rows of the list in seq order, at most `limit` of them. */
  all(limit: number): Promise<IndexRow[]>;
  /** The rows of these object ids, any subtype and party. */
  ofIds(objectIds: string[]): Promise<IndexRow[]>;
}

/** A page asked of an index: offset (or after a seq: our keyset cursor), limit and filters. */
export interface IndexQuery {
  offset: number;
  limit: number;
  dateFrom?: Date;
  dateTo?: Date;
  after?: string;
  /** Only objects meant for one of these parties ('CC*PID', upper case). */
  audiences?: string[];
}

export interface IndexedPage {
  items: IndexedObject[];
  /** How many objects match the filters, whatever the offset and limit. */
  total: number;
}

/** Changes at once up to which a refresh splices them in; beyond, it merges them in one pass. */
const SPLICES = 16;
/** Changed objects past which the whole list is read again instead of each of them. */
const REREAD_AT = 2000;
/** Filtered views (date_from, date_to, audiences) kept between two changes. */
const MAX_VIEWS = 16;

/** The first of `length` positions (in ascending seq, as `seqAt` gives them) whose seq is above `seq`. */
function firstAbove(length: number, seqAt: (i: number) => number, seq: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (seqAt(mid) <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first position in `list` (ascending seq) whose seq is above `seq`. */
function after(list: readonly IndexedObject[], seq: number): number {
  return firstAbove(list.length, (i) => (list[i] as IndexedObject).seq, seq);
}

const bySeq = (a: IndexedObject, b: IndexedObject) => a.seq - b.seq;

/**
 * The objects of one list (a module's own objects, or what one partner pushed), in memory and
 * in insertion order (seq): a page at any offset, with or without date and audience filters,
 * costs the same, and so does its total. Read lazily from the store on first use; then each
 * change heard (`changed`) marks its object, and the next read refreshes only those objects
 * before answering, so a read always reflects every change heard before it began. A change
 * that may have touched anything (the invalidation bus lost messages) drops it all. A list
 * longer than `maxObjects` is not held: reads answer `undefined` and go to the store.
 */
export class ObjectIndex {
  private entries: IndexedObject[] | undefined;
  /** The entries of each object id (in seq order: one per party that has the id), per subtype. */
  private byId = new Map<string, Map<string, IndexedObject[]>>();
  /** The positions in `entries` of the objects each filter lets through, until the next change. */
  private readonly views = new Map<string, Int32Array>();
  /** Objects changed since the last refresh, as `subtype` → object ids. */
  private dirty = new Map<string, Set<string>>();
  private dirtyCount = 0;
  /** Changes heard, and how many of them the entries reflect. */
  private heard = 0;
  private reflected = 0;
  /** Moves when everything may have changed: a refresh begun before it is not kept. */
  private epoch = 0;
  private refreshing: Promise<void> | undefined;
  private oversized = false;
  /** One string per party, subtype and audience, however many rows repeat it. */
  private readonly interned = new Map<string, string>();

  constructor(
    private readonly source: IndexSource,
    private readonly maxObjects: number,
  ) {}

  /** An object of the list changed (was written or deleted); without one, anything may have. */
  changed(object?: { objectId: string; subtype: string }): void {
    this.heard++;
    if (!object) {
      this.epoch++;
      this.entries = undefined;
      this.byId = new Map();
      this.views.clear();
      this.clearDirty();
      this.oversized = false;
      return;
    }
    // Before the first read there is nothing to refresh: the read takes the whole list.
    if (this.entries === undefined && this.refreshing === undefined) return;
    const ids = this.dirty.get(object.subtype) ?? new Set<string>();
    this.dirty.set(object.subtype, ids);
    if (!ids.has(object.objectId)) {
      ids.add(object.objectId);
      this.dirtyCount++;
    }
  }

  /** A page of the list; undefined when the list is too long to be held. */
  async page(query: IndexQuery): Promise<IndexedPage | undefined> {
    if (!(await this.current())) return undefined;
    const entries = this.entries ?? [];
    const positions = this.view(query);
    const total = positions ? positions.length : entries.length;
    const at = (i: number) => entries[positions ? (positions[i] as number) : i] as IndexedObject;
    const start =
      query.after !== undefined ? firstAbove(total, (i) => at(i).seq, Number(query.after)) : query.offset;
    const items: IndexedObject[] = [];
    for (let i = start; i < Math.min(total, start + query.limit); i++) items.push(at(i));
    return { items, total };
  }

  /** The object of an id (the first stored, whichever party), or null; undefined when the list is not held. */
  async find(objectId: string, subtype: string): Promise<IndexedObject | null | undefined> {
    if (!(await this.current())) return undefined;
    return this.byId.get(subtype)?.get(objectId)?.[0] ?? null;
  }

  /** Brings the entries up to every change heard before the call; false when the list is not held. */
  private async current(): Promise<boolean> {
    const wanted = this.heard;
    while (this.entries === undefined || this.reflected < wanted) {
      if (this.oversized) return false;
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = undefined;
      });
      await this.refreshing;
    }
    return true;
  }

  private async refresh(): Promise<void> {
    const heard = this.heard;
    const epoch = this.epoch;
    if (this.entries === undefined || this.dirtyCount > REREAD_AT) {
      this.clearDirty();
      let rows: IndexRow[];
      try {
        rows = await this.source.all(this.maxObjects + 1);
      } catch (error) {
        // The changes it was to take in are forgotten: the next read takes the whole list.
        if (epoch === this.epoch) this.entries = undefined;
        throw error;
      }
      if (epoch !== this.epoch) return;
      if (rows.length > this.maxObjects) this.drop();
      else this.build(rows);
      this.reflected = heard;
      return;
    }
    const dirty = this.dirty;
    this.clearDirty();
    let rows: IndexRow[];
    try {
      rows = await this.source.ofIds([...new Set([...dirty.values()].flatMap((ids) => [...ids]))]);
    } catch (error) {
      for (const [subtype, ids] of dirty) for (const objectId of ids) this.changed({ objectId, subtype });
      throw error;
    }
    if (epoch !== this.epoch) return;
    this.apply(dirty, rows);
    this.reflected = heard;
  }

  private clearDirty(): void {
    this.dirty = new Map();
    this.dirtyCount = 0;
  }

  /** Too many objects to hold: the list is read from the store until everything changes. */
  private drop(): void {
    this.oversized = true;
    this.entries = undefined;
    this.byId = new Map();
    this.views.clear();
  }

  private intern(text: string): string {
    const known = this.interned.get(text);
    if (known !== undefined) return known;
    if (this.interned.size < 10_000) this.interned.set(text, text);
    return text;
  }

  private objectOf(row: IndexRow): IndexedObject {
    return {
      seq: row.seq,
      countryCode: this.intern(row.countryCode),
      partyId: this.intern(row.partyId),
      objectId: row.objectId,
      subtype: this.intern(row.subtype),
      lastUpdated: row.lastUpdated,
      audience: this.intern(row.audience),
    };
  }

  private addToIds(object: IndexedObject): void {
    const ids = this.byId.get(object.subtype) ?? new Map<string, IndexedObject[]>();
    this.byId.set(object.subtype, ids);
    const same = ids.get(object.objectId);
    if (!same) ids.set(object.objectId, [object]);
    else {
      same.push(object);
      same.sort(bySeq);
    }
  }

  private build(rows: IndexRow[]): void {
    this.byId = new Map();
    this.views.clear();
    const entries = rows.map((row) => this.objectOf(row));
    entries.sort(bySeq);
    for (const object of entries) this.addToIds(object);
    this.entries = entries;
  }

  /** Replaces what the index holds of the changed objects by their rows as read now. */
  private apply(dirty: Map<string, Set<string>>, rows: IndexRow[]): void {
    const entries = this.entries;
    if (!entries) return;
    const removed: IndexedObject[] = [];
    for (const [subtype, ids] of dirty) {
      const known = this.byId.get(subtype);
      for (const objectId of ids) {
        removed.push(...(known?.get(objectId) ?? []));
        known?.delete(objectId);
      }
    }
    const added = rows
      .map((row) => this.objectOf(row))
      .filter((o) => dirty.get(o.subtype)?.has(o.objectId) === true)
      .sort(bySeq);
    for (const object of added) this.addToIds(object);
    // An object written again keeps its seq: it takes its old place.
    const oldAt = new Map(removed.map((o) => [o.seq, o]));
    const inserted: IndexedObject[] = [];
    for (const object of added) {
      const old = oldAt.get(object.seq);
      const at = after(entries, object.seq) - 1;
      if (old === undefined || entries[at] !== old) inserted.push(object);
      else {
        oldAt.delete(object.seq);
        entries[at] = object;
      }
    }
    const gone = [...oldAt.values()];
    if (gone.length + inserted.length <= SPLICES) {
      for (const object of gone) {
        const at = after(entries, object.seq) - 1;
        if (entries[at] === object) entries.splice(at, 1);
      }
      for (const object of inserted) entries.splice(after(entries, object.seq), 0, object);
    } else this.entries = merged(entries, new Set(gone), inserted);
    this.views.clear();
    if ((this.entries?.length ?? 0) > this.maxObjects) this.drop();
  }

  /** The positions of the entries a query's filters let through, in seq order; undefined for all. */
  private view(query: IndexQuery): Int32Array | undefined {
    const from = query.dateFrom?.getTime();
    const to = query.dateTo?.getTime();
    const audiences = query.audiences;
    if (from === undefined && to === undefined && audiences === undefined) return undefined;
    const key = `${from ?? ''}|${to ?? ''}|${audiences?.join(',') ?? '*'}`;
    const known = this.views.get(key);
    if (known) return known;
    const allowed = audiences && new Set(audiences);
    const passes = (o: IndexedObject) =>
      (from === undefined || o.lastUpdated >= from) &&
      (to === undefined || o.lastUpdated < to) &&
      (allowed === undefined || allowed.has(o.audience));
    const entries = this.entries ?? [];
    let count = 0;
    for (const o of entries) if (passes(o)) count++;
    const view = new Int32Array(count);
    let n = 0;
    entries.forEach((o, i) => {
      if (passes(o)) view[n++] = i;
    });
    if (this.views.size >= MAX_VIEWS) this.views.clear();
    this.views.set(key, view);
    return view;
  }
}

/** `entries` without `gone`, with `inserted` (both in seq order) merged in. */
function merged(
  entries: readonly IndexedObject[],
  gone: ReadonlySet<IndexedObject>,
  inserted: readonly IndexedObject[],
): IndexedObject[] {
  const result: IndexedObject[] = [];
  let i = 0;
  for (const object of entries) {
    if (gone.has(object)) continue;
    while (i < inserted.length && (inserted[i] as IndexedObject).seq < object.seq)
      result.push(inserted[i++] as IndexedObject);
    result.push(object);
  }
  while (i < inserted.length) result.push(inserted[i++] as IndexedObject);
  return result;
}
