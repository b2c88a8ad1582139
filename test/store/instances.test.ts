import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ObjectRepository } from '../../src/store/object-repository.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { call, startNode } from '../support/nodes.ts';
import { CPO_PARTY, EMSP_PARTY, eventually, tokenOf } from '../support/pair.ts';
import { POSTGRES_ENV, POSTGRES_URL, postgresStore } from '../support/stores.ts';

/*
 * Several instances of one node on one PostgreSQL database: what one of them caches must not
 * outlive a change made through another (token lookups are cached for 30 s by default).
 */

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(process.env[POSTGRES_ENV] === '0')(
  'two instances on one PostgreSQL schema',
  { timeout: 90_000 },
  () => {
    async function twoInstancesAndAnEmsp() {
      const store = postgresStore();
      const a = await startNode({ versions: ['2.2.1'], parties: [CPO_PARTY], store });
      cleanups.push(() => a.close());
      const b = await startNode({ versions: ['2.2.1'], parties: [CPO_PARTY], store });
      cleanups.push(() => b.close());
      const emsp = await startNode({ versions: ['2.2.1'], parties: [EMSP_PARTY] });
      cleanups.push(() => emsp.close());
      const partner = await emsp.ocpi.registerWith(
        a.ocpi.versionsUrl(),
        await a.ocpi.createRegistrationToken(),
      );
      return { a, b, emsp, partner };
    }
    const status = async (url: string, token: string) => (await call(url, { token })).status;

    it('refuses an unregistered partner on the other instance at once, not after the cache TTL', async () => {
      const { b, emsp, partner } = await twoInstancesAndAnEmsp();
      const token = await tokenOf(emsp, partner.id);
      expect(await status(b.ocpi.versionsUrl(), token)).toBe(200); // now cached on b
      await emsp.ocpi.unregister(partner.id); // DELETE credentials at a
      await eventually(async () => (await status(b.ocpi.versionsUrl(), token)) === 401 || undefined, 3000);
    });

    it('takes a rotated token on the other instance, and refuses the old one', async () => {
      const { b, emsp, partner } = await twoInstancesAndAnEmsp();
      const old = await tokenOf(emsp, partner.id);
      expect(await status(b.ocpi.versionsUrl(), old)).toBe(200);
      await emsp.ocpi.updateCredentials(partner.id); // PUT credentials at a: new tokens both ways
      const fresh = await tokenOf(emsp, partner.id);
      expect(fresh).not.toBe(old);
      await eventually(async () => (await status(b.ocpi.versionsUrl(), old)) === 401 || undefined, 3000);
      expect(await status(b.ocpi.versionsUrl(), fresh)).toBe(200);
    });

    it('a new registration token works on the other instance at once, though it was refused just before', async () => {
      const { a, b } = await twoInstancesAndAnEmsp();
      const guess = 'a-token-a-that-does-not-exist-yet';
      expect(await status(b.ocpi.versionsUrl(), guess)).toBe(401); // cached as unknown on b
      await a.ocpi.createRegistrationToken(guess);
      await eventually(async () => (await status(b.ocpi.versionsUrl(), guess)) === 200 || undefined, 3000);
    });
  },
);

describe.skipIf(process.env[POSTGRES_ENV] === '0')('the invalidation bus on PostgreSQL', () => {
  let schema = '';
  async function two(): Promise<[Store, Store]> {
    const options = postgresStore();
    schema = options.kind === 'postgres' ? (options.schema ?? '') : '';
    const first = await openStore(options);
    cleanups.push(() => first.close());
    const second = await openStore(options);
    cleanups.push(() => second.close());
    return [first, second];
  }

  it('carries a message to every instance, its sender too, and only on commit', async () => {
    const [first, second] = await two();
    const seenBySecond: Array<string | undefined> = [];
    const seenByFirst: Array<string | undefined> = [];
    second.invalidations.subscribe('t', (p) => seenBySecond.push(p));
    first.invalidations.subscribe('t', (p) => seenByFirst.push(p));
    await first.db
      .transaction()
      .execute(async (trx) => {
        await first.invalidations.publish('t', 'rolled back', trx);
        throw new Error('roll back');
      })
      .catch(() => {});
    await first.invalidations.publish('t', 'x\u001fy');
    await eventually(async () => (seenBySecond.length > 0 && seenByFirst.length > 0) || undefined, 3000);
    expect(seenBySecond).toEqual(['x\u001fy']);
    // The sender hears it after its commit: what it cached while the write was in flight goes.
    expect(seenByFirst).toEqual(['x\u001fy']);
  });

  it('carries several messages of one publish, in their order, and only on commit', async () => {
    const [first, second] = await two();
    const seen: Array<string | undefined> = [];
    second.invalidations.subscribe('t', (p) => seen.push(p));
    await first.db
      .transaction()
      .execute(async (trx) => {
        await first.invalidations.publish('t', ['gone 1', 'gone 2'], trx);
        throw new Error('roll back');
      })
      .catch(() => {});
    const payloads = ['a|b|c|', 'quote " and \\ backslash', '{braces, comma}', 'a|b|c|'];
    await first.db.transaction().execute((trx) => first.invalidations.publish('t', payloads, trx));
    await first.invalidations.publish('t', 'last');
    await eventually(async () => seen.includes('last') || undefined, 3000);
    // The same payload twice in one transaction is one notification (PostgreSQL folds them).
    expect(seen).toEqual(['a|b|c|', 'quote " and \\ backslash', '{braces, comma}', 'last']);
  });

  it('tells its subscribers to drop everything when its connection is lost, and listens again', async () => {
    const [first, second] = await two();
    const seen: Array<string | undefined> = [];
    second.invalidations.subscribe('t', (p) => seen.push(p));
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    cleanups.push(() => admin.end());
    const { rows } = await admin.query<{ pid: number }>(`select pid from pg_stat_activity where query = $1`, [
      `listen "ocpi_invalidate_${schema}"`,
    ]);
    expect(rows).toHaveLength(2);
    await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [
      rows.map((r) => r.pid),
    ]);
    await eventually(async () => seen.includes(undefined) || undefined, 3000);
    // Until it listens again it cannot know what it missed: caches must not be trusted.
    expect(await second.invalidations.caughtUp()).toBe(false);
    // Listening again: a later message arrives.
    await eventually(async () => {
      await first.invalidations.publish('t', 'after');
      return seen.includes('after') || undefined;
    }, 10_000);
    expect(await second.invalidations.caughtUp()).toBe(true);
  });

  it('drops an object lookup cached on one instance when another writes the object', async () => {
    const [first, second] = await two();
    // A minute of caching: only the message from the writer can make the reader see the change.
    const writer = new ObjectRepository<{ name: string }>(first.db, {
      countCacheMs: 60_000,
      invalidations: first.invalidations,
    });
    const reader = new ObjectRepository<{ name: string }>(second.db, {
      countCacheMs: 60_000,
      invalidations: second.invalidations,
    });
    const key = { module: 'locations', owner: 'own', countryCode: 'NL', partyId: 'CPO', objectId: 'L1' };
    await writer.put(key, { name: 'before' }, new Date('2026-01-01T00:00:00Z'));
    expect((await reader.findById('locations', 'own', 'L1'))?.data).toEqual({ name: 'before' });
    await first.db
      .transaction()
      .execute((trx) => writer.put(key, { name: 'after' }, new Date('2026-01-02T00:00:00Z'), trx));
    await eventually(
      async () => (await reader.findById('locations', 'own', 'L1'))?.data.name === 'after' || undefined,
      3000,
    );
  });

  it('never answers a lookup or a total from what it cached before another instance wrote', async () => {
    const [first, second] = await two();
    // A minute of caching, and no waiting: the reader must hear of each write before it answers.
    const repos = [first, second].map(
      (store) =>
        new ObjectRepository<{ name: string }>(store.db, {
          countCacheMs: 60_000,
          invalidations: store.invalidations,
        }),
    );
    const key = (objectId: string) => ({
      module: 'locations',
      owner: 'own',
      countryCode: 'NL',
      partyId: 'CPO',
      objectId,
    });
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i));
    const name = async (repo: ObjectRepository<{ name: string }>) =>
      (await repo.findById('locations', 'own', 'L1'))?.data.name;
    const total = async (repo: ObjectRepository<{ name: string }>) =>
      (await repo.list({ module: 'locations', owner: 'own', offset: 0, limit: 1 })).total;
    await repos[0]?.put(key('L1'), { name: 'write 0' }, at(0));
    let objects = 1;
    for (let i = 1; i <= 200; i++) {
      const [writer, reader] = (i % 2 === 0 ? repos : [...repos].reverse()) as [
        ObjectRepository<{ name: string }>,
        ObjectRepository<{ name: string }>,
      ];
      // Cached on the reader just before the write.
      expect(await name(reader)).toBe(`write ${i - 1}`);
      expect(await total(reader)).toBe(objects);
      await writer.put(key('L1'), { name: `write ${i}` }, at(i));
      if (i % 10 === 0) {
        await writer.put(key(`NEW${i}`), { name: 'new' }, at(i));
        objects++;
      }
      expect(await name(reader), `write ${i}`).toBe(`write ${i}`);
      expect(await total(reader), `write ${i}`).toBe(objects);
    }
  });

  it('does not keep an old row that a lookup read while a write on the same instance was not yet committed', async () => {
    const [first] = await two();
    const repo = new ObjectRepository<{ name: string }>(first.db, {
      countCacheMs: 60_000,
      invalidations: first.invalidations,
    });
    const key = { module: 'locations', owner: 'own', countryCode: 'NL', partyId: 'CPO', objectId: 'L1' };
    await repo.put(key, { name: 'before' }, new Date('2026-01-01T00:00:00Z'));
    await first.db.transaction().execute(async (trx) => {
      await repo.put(key, { name: 'after' }, new Date('2026-01-02T00:00:00Z'), trx);
      // Another request reads (and caches) the committed row while this write is in flight.
      expect((await repo.findById('locations', 'own', 'L1'))?.data.name).toBe('before');
    });
    await eventually(
      async () => (await repo.findById('locations', 'own', 'L1'))?.data.name === 'after' || undefined,
      3000,
    );
  });
});
