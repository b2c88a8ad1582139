import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalObject } from '../../src/modules/objects/service.ts';
import { type RowChange, rowWrite, writeBatch } from '../../src/modules/objects/staged-writes.ts';
import { type ObjectKey, ObjectRepository } from '../../src/store/object-repository.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { STORES } from '../support/stores.ts';

/*
 * The publisher's group commit writes the changes of a batch together: one statement reads and
 * locks the rows PATCHes change, one writes them all. Each change must still be decided on the
 * object as the changes before it left it, and a batch that fails must leave nothing behind.
 */

const key = (id: string): ObjectKey => ({
  module: 'locations',
  owner: 'own',
  countryCode: 'nl',
  partyId: 'cpo',
  objectId: id,
});
const at = (second: number) => `2030-01-01T00:00:${String(second).padStart(2, '0')}Z`;

/** A PUT of a whole object. */
const put = (id: string, fields: CanonicalObject): RowChange<CanonicalObject> => ({
  key: key(id),
  reads: false,
  decide: () => ({ root: { id, ...fields }, audience: '', messages: [], result: { id, ...fields } }),
});

/** A PATCH that appends `letter` to the stored name, refused when there is no stored object. */
const append = (id: string, letter: string, second: number): RowChange<CanonicalObject> => ({
  key: key(id),
  reads: true,
  decide: (stored) => {
    if (!stored) throw new Error(`no ${id}`);
    const root = { ...stored, name: `${String(stored.name)}${letter}`, last_updated: at(second) };
    return { root, audience: '', messages: [], result: root };
  },
});

/** Counts the statements run through the Kysely instance it is given to. */
function statementCounter(): KyselyPlugin & { count: number } {
  return {
    count: 0,
    transformQuery(args) {
      this.count++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
}

describe.each(STORES)('staged writes of a batch, on %s', (_name, storeOptions) => {
  let store: Store;
  let repo: ObjectRepository<CanonicalObject>;
  beforeAll(async () => {
    store = await openStore(storeOptions());
    repo = new ObjectRepository<CanonicalObject>(store.db, { invalidations: store.invalidations });
  }, 120_000);
  afterAll(() => store?.close());

  const name = async (id: string) => (await repo.get(key(id)))?.data.name;

  it('decides each change on the object as the ones before it in the batch left it, in a fixed number of statements', async () => {
    await store.db
      .transaction()
      .execute((trx) =>
        writeBatch(trx, repo, [rowWrite(repo, {}, put('A', { name: 'a', last_updated: at(1) }))]),
      );
    const changes = [
      append('A', 'b', 2),
      put('B', { name: 'x', last_updated: at(3) }),
      append('B', 'y', 4),
      append('A', 'c', 5),
      ...Array.from({ length: 20 }, (_, i) => put(`N${i}`, { name: `n${i}`, last_updated: at(6) })),
    ];
    const counter = statementCounter();
    const results = await store.db
      .withPlugin(counter)
      .transaction()
      .execute((trx) =>
        writeBatch(
          trx,
          repo,
          changes.map((c) => rowWrite(repo, {}, c)),
        ),
      );
    expect(results.slice(0, 4).map((r) => r.name)).toEqual(['ab', 'x', 'xy', 'abc']);
    expect(await name('A')).toBe('abc');
    expect(await name('B')).toBe('xy');
    expect(await name('N19')).toBe('n19');
    // The locking read, the write of the 24 rows and the cache-drop notice (PostgreSQL's only).
    expect(counter.count).toBeLessThanOrEqual(3);
  });

  it('writes nothing of a batch one of whose changes is refused', async () => {
    const batch = [put('C', { name: 'c', last_updated: at(1) }), append('A', 'd', 7), append('GONE', 'z', 8)];
    await expect(
      store.db.transaction().execute((trx) =>
        writeBatch(
          trx,
          repo,
          batch.map((c) => rowWrite(repo, {}, c)),
        ),
      ),
    ).rejects.toThrow('no GONE');
    expect(await repo.get(key('C'))).toBeUndefined();
    expect(await name('A')).toBe('abc');
  });

  it('applies a change alone as it would in a batch', async () => {
    const alone = rowWrite(repo, {}, append('A', 'e', 9));
    const result = await store.db.transaction().execute((trx) => alone.apply(trx));
    expect(result.name).toBe('abce');
    expect(await name('A')).toBe('abce');
  });

  it('reads the objects asked for in one turn in one statement, each as committed before its call', async () => {
    const counter = statementCounter();
    const counted = new ObjectRepository<CanonicalObject>(store.db.withPlugin(counter));
    const [a, b, gone, again] = await Promise.all([
      counted.read(key('A')),
      counted.read(key('B')),
      counted.read(key('GONE')),
      counted.read({ ...key('A'), countryCode: 'NL', partyId: 'CPO' }),
    ]);
    expect([a?.data.name, b?.data.name, gone, again?.data.name]).toEqual(['abce', 'xy', undefined, 'abce']);
    expect(counter.count).toBe(1);

    await store.db
      .transaction()
      .execute((trx) => writeBatch(trx, repo, [rowWrite(repo, {}, append('B', 'z', 10))]));
    expect((await counted.read(key('B')))?.data.name).toBe('xyz');
    expect(counter.count).toBe(2);
  });
});
