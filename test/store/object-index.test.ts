import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type IndexQuery,
  type IndexRow,
  type IndexSource,
  ObjectIndex,
} from '../../src/store/object-index.ts';

/*
 * The index of a list against a table in memory: whatever was written, in whatever order,
 * a page and its total are what the store's own query (seq order, date and audience filters,
 * OFFSET or keyset) gives for the rows as they are now.
 */

type Row = IndexRow;

/** A table of one list, with the index's source over it; reads can be held or made to fail. */
function table() {
  const rows = new Map<string, Row>();
  let next = 1;
  let held: Promise<void> | undefined;
  let failing = false;
  let reads = 0;
  const key = (id: string, subtype: string) => `${id}|${subtype}`;
  const sorted = () => [...rows.values()].sort((a, b) => a.seq - b.seq);
  const read = async <T>(answer: () => T): Promise<T> => {
    reads++;
    // The rows as they were when the statement ran, answered later when held.
    const rows = structuredClone(answer());
    await held;
    if (failing) throw new Error('the store is down');
    return rows;
  };
  const source: IndexSource = {
    all: (limit) => read(() => sorted().slice(0, limit)),
    ofIds: (ids) => read(() => sorted().filter((r) => ids.includes(r.objectId))),
  };
  return {
    source,
    rows,
    /** Creates or replaces (keeping its seq, as the store does) an object. */
    put(id: string, lastUpdated: number, audience = '', subtype = '', party = 'CPO'): void {
      const old = rows.get(key(id, subtype));
      rows.set(key(id, subtype), {
        seq: old?.seq ?? next++,
        countryCode: 'NL',
        partyId: party,
        objectId: id,
        subtype,
        lastUpdated,
        audience,
      });
    },
    remove(id: string, subtype = ''): void {
      rows.delete(key(id, subtype));
    },
    /** What the store's query answers. */
    expected(query: IndexQuery): { ids: string[]; total: number } {
      const matching = sorted().filter(
        (r) =>
          (!query.dateFrom || r.lastUpdated >= query.dateFrom.getTime()) &&
          (!query.dateTo || r.lastUpdated < query.dateTo.getTime()) &&
          (!query.audiences || query.audiences.includes(r.audience)),
      );
      const start =
        query.after === undefined
          ? query.offset
          : matching.filter((r) => r.seq <= Number(query.after)).length;
      const page = query.limit === 0 ? [] : matching.slice(start, start + query.limit);
      return { ids: page.map((r) => r.objectId), total: matching.length };
    },
    hold(): () => void {
      let release = () => {};
      held = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        held = undefined;
        release();
      };
    },
    fail(on: boolean): void {
      failing = on;
    },
    reads: () => reads,
  };
}

async function pageOf(index: ObjectIndex, query: IndexQuery) {
  const page = await index.page(query);
  if (!page) throw new Error('the list is not held');
  return { ids: page.items.map((o) => o.objectId), total: page.total };
}

const DAY = 86_400_000;

describe('ObjectIndex', () => {
  it('answers every page as the store would, through any writes', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('put' as const),
        id: fc.integer({ min: 0, max: 30 }),
        day: fc.integer({ min: 0, max: 20 }),
        audience: fc.constantFrom('', 'DE*MSP', 'FR*MSP'),
        subtype: fc.constantFrom('', 'APP_USER'),
      }),
      fc.record({
        kind: fc.constant('remove' as const),
        id: fc.integer({ min: 0, max: 30 }),
        subtype: fc.constantFrom('', 'APP_USER'),
      }),
      fc.record({
        kind: fc.constant('read' as const),
        offset: fc.integer({ min: 0, max: 40 }),
        limit: fc.integer({ min: 0, max: 12 }),
        from: fc.option(fc.integer({ min: 0, max: 21 }), { nil: undefined }),
        to: fc.option(fc.integer({ min: 0, max: 21 }), { nil: undefined }),
        audiences: fc.option(fc.subarray(['', 'DE*MSP', 'FR*MSP']), { nil: undefined }),
        after: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
        const t = table();
        const index = new ObjectIndex(t.source, 1000);
        for (const o of ops) {
          if (o.kind === 'put') {
            t.put(`L${o.id}`, o.day * DAY, o.audience, o.subtype);
            index.changed({ objectId: `L${o.id}`, subtype: o.subtype });
          } else if (o.kind === 'remove') {
            t.remove(`L${o.id}`, o.subtype);
            index.changed({ objectId: `L${o.id}`, subtype: o.subtype });
          } else {
            const query: IndexQuery = {
              offset: o.offset,
              limit: o.limit,
              ...(o.from === undefined ? {} : { dateFrom: new Date(o.from * DAY) }),
              ...(o.to === undefined ? {} : { dateTo: new Date(o.to * DAY) }),
              ...(o.audiences === undefined ? {} : { audiences: o.audiences }),
              ...(o.after === undefined ? {} : { after: String(o.after) }),
            };
            expect(await pageOf(index, query)).toEqual(t.expected(query));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('finds an object by id (the first stored of the parties that have it), and forgets a deleted one', async () => {
    const t = table();
    t.put('L1', 0, '', '', 'AAA');
    t.put('L2', 0);
    const index = new ObjectIndex(t.source, 1000);
    expect((await index.find('L1', ''))?.partyId).toBe('AAA');
    expect(await index.find('L1', 'APP_USER')).toBeNull();
    t.remove('L1');
    index.changed({ objectId: 'L1', subtype: '' });
    expect(await index.find('L1', '')).toBeNull();
    expect(await pageOf(index, { offset: 0, limit: 10 })).toEqual({ ids: ['L2'], total: 1 });
  });

  it('gives a changed object a new identity and keeps the others', async () => {
    const t = table();
    t.put('L1', 0);
    t.put('L2', 0);
    const index = new ObjectIndex(t.source, 1000);
    const [first, second] = (await index.page({ offset: 0, limit: 10 }))?.items ?? [];
    t.put('L1', DAY);
    index.changed({ objectId: 'L1', subtype: '' });
    const [firstAgain, secondAgain] = (await index.page({ offset: 0, limit: 10 }))?.items ?? [];
    expect(firstAgain).not.toBe(first);
    expect(firstAgain?.lastUpdated).toBe(DAY);
    expect(firstAgain?.seq).toBe(first?.seq);
    expect(secondAgain).toBe(second);
  });

  it('reads only the changed objects again, and the whole list once before', async () => {
    const t = table();
    for (let i = 0; i < 50; i++) t.put(`L${i}`, i * DAY);
    const index = new ObjectIndex(t.source, 1000);
    // Changes before the first read need no reading of their own.
    index.changed({ objectId: 'L1', subtype: '' });
    await pageOf(index, { offset: 0, limit: 5 });
    expect(t.reads()).toBe(1);
    await pageOf(index, { offset: 45, limit: 5 });
    expect(t.reads()).toBe(1);
    t.put('L49', 100 * DAY);
    index.changed({ objectId: 'L49', subtype: '' });
    expect(await pageOf(index, { offset: 49, limit: 5, dateFrom: new Date(99 * DAY) })).toEqual({
      ids: [],
      total: 1,
    });
    expect(t.reads()).toBe(2);
  });

  it('does not answer from before a change heard while its refresh was under way', async () => {
    const t = table();
    t.put('L1', 0);
    const index = new ObjectIndex(t.source, 1000);
    await pageOf(index, { offset: 0, limit: 10 });
    t.put('L2', DAY);
    index.changed({ objectId: 'L2', subtype: '' });
    const release = t.hold();
    const before = index.page({ offset: 0, limit: 10 });
    // The refresh for L2 is reading; L3 is written and announced meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
    t.put('L3', DAY);
    index.changed({ objectId: 'L3', subtype: '' });
    const after = index.page({ offset: 0, limit: 10 });
    release();
    expect((await before)?.total).toBeGreaterThanOrEqual(2);
    expect(await after.then((p) => p?.items.map((o) => o.objectId))).toEqual(['L1', 'L2', 'L3']);
  });

  it('throws away a reading begun before everything changed', async () => {
    const t = table();
    t.put('L1', 0);
    const index = new ObjectIndex(t.source, 1000);
    const release = t.hold();
    const first = index.page({ offset: 0, limit: 10 });
    await new Promise((resolve) => setImmediate(resolve));
    t.put('L2', 0);
    index.changed();
    release();
    expect(await first.then((p) => p?.items.map((o) => o.objectId))).toEqual(['L1', 'L2']);
  });

  it('fails a read when the store fails, and the next read still takes in the change', async () => {
    const t = table();
    t.put('L1', 0);
    const index = new ObjectIndex(t.source, 1000);
    await pageOf(index, { offset: 0, limit: 10 });
    t.put('L1', DAY);
    index.changed({ objectId: 'L1', subtype: '' });
    t.fail(true);
    await expect(index.page({ offset: 0, limit: 10 })).rejects.toThrow('the store is down');
    t.fail(false);
    expect((await index.find('L1', ''))?.lastUpdated).toBe(DAY);
  });

  it('holds no list longer than its limit, and holds it again once it fits and everything changed', async () => {
    const t = table();
    for (let i = 0; i < 4; i++) t.put(`L${i}`, 0);
    const index = new ObjectIndex(t.source, 3);
    expect(await index.page({ offset: 0, limit: 10 })).toBeUndefined();
    expect(await index.find('L1', '')).toBeUndefined();
    t.remove('L3');
    index.changed();
    expect(await pageOf(index, { offset: 0, limit: 10 })).toEqual({ ids: ['L0', 'L1', 'L2'], total: 3 });
    // Growing past the limit lets it go.
    t.put('L9', 0);
    index.changed({ objectId: 'L9', subtype: '' });
    expect(await index.page({ offset: 0, limit: 10 })).toBeUndefined();
  });

  it('merges many changes at once in one pass', async () => {
    const t = table();
    for (let i = 0; i < 100; i++) t.put(`L${i}`, i * DAY);
    const index = new ObjectIndex(t.source, 1000);
    await pageOf(index, { offset: 0, limit: 1 });
    for (let i = 0; i < 100; i += 3) {
      t.remove(`L${i}`);
      index.changed({ objectId: `L${i}`, subtype: '' });
    }
    for (let i = 100; i < 140; i++) {
      t.put(`L${i}`, i * DAY);
      index.changed({ objectId: `L${i}`, subtype: '' });
    }
    const query = { offset: 30, limit: 50, dateFrom: new Date(20 * DAY) };
    expect(await pageOf(index, query)).toEqual(t.expected(query));
  });
});
