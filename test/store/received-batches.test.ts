import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreObjectService } from '../../src/modules/objects/service.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { STORES } from '../support/stores.ts';

/*
 * What partners push is written in groups (group commit): the writes that arrive together go
 * in one statement. Each write must still mean what it meant alone.
 */

const T = (second: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, second));
const ref = (id: string) => ({ countryCode: 'NL', partyId: 'CPO', id });

describe.each(STORES)('received objects written together, on %s', (_name, storeOptions) => {
  let store: Store;
  let locations: StoreObjectService;
  // One store for the cases: each writes as a partner of its own.
  beforeAll(async () => {
    store = await openStore(storeOptions());
    locations = new StoreObjectService('locations', store.db, { invalidations: store.invalidations });
  }, 120_000);
  afterAll(() => store?.close());

  it('keeps the latest of concurrent writes of one object; those of its time count as written, older ones not', async () => {
    const put = (name: string, at: Date) => locations.putReceived('p1', ref('L1'), { id: 'L1', name }, at);
    // One event-loop turn: one batch.
    const written = await Promise.all([
      put('ten', T(10)),
      put('thirty', T(30)),
      put('twenty', T(20)),
      put('thirty again', T(30)),
    ]);
    expect(written).toEqual([false, true, false, true]);
    expect(await locations.getReceived('p1', ref('L1'))).toEqual({ id: 'L1', name: 'thirty again' });
  });

  it('writes nothing of a batch older than what is stored, and all of a newer one', async () => {
    expect(await locations.putReceived('p2', ref('L1'), { id: 'L1', name: 'stored' }, T(40))).toBe(true);
    const older = await Promise.all([
      locations.putReceived('p2', ref('L1'), { id: 'L1', name: 'old' }, T(10)),
      locations.putReceived('p2', ref('L1'), { id: 'L1', name: 'old too' }, T(20)),
      locations.putReceived('p2', ref('L2'), { id: 'L2', name: 'new object' }, T(5)),
    ]);
    expect(older).toEqual([false, false, true]);
    expect(await locations.getReceived('p2', ref('L1'))).toEqual({ id: 'L1', name: 'stored' });
    // Another partner's copy of the same id is another object.
    expect(await locations.putReceived('p3', ref('L1'), { id: 'L1', name: 'theirs' }, T(1))).toBe(true);
    expect((await locations.getReceived('p2', ref('L1')))?.name).toBe('stored');
  });

  it('keeps the newest of each object when batches are written at once, however they interleave', async () => {
    const concurrent = new StoreObjectService('locations', store.db, {
      invalidations: store.invalidations,
      receivedWriteConcurrency: 4,
    });
    const writes = Array.from({ length: 200 }, (_, i) => ({ id: `C${i % 5}`, second: (i * 37) % 60 }));
    const newest = new Map<string, number>();
    for (const w of writes) newest.set(w.id, Math.max(newest.get(w.id) ?? 0, w.second));
    // Spread over several turns of the event loop: several batches, up to four in flight.
    const written = await Promise.all(
      writes.map(async (w, i) => {
        if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
        return concurrent.putReceived('p5', ref(w.id), { id: w.id, name: `at ${w.second}` }, T(w.second));
      }),
    );
    for (const [id, second] of newest) {
      expect(await concurrent.getReceived('p5', ref(id))).toEqual({ id, name: `at ${second}` });
      // The newest write of an object counts as written, whichever batch it was in.
      writes.forEach((w, i) => {
        if (w.id === id && w.second === second) expect(written[i], `${id} at ${second}`).toBe(true);
      });
    }
  });

  it('fails only a write the database refuses; the others of its batch are stored, nothing of it', async () => {
    const results = await Promise.allSettled([
      locations.putReceived('p4', ref('L1'), { id: 'L1', name: 'one' }, T(1)),
      // Valid JSON, but PostgreSQL cannot hold U+0000 in a jsonb string.
      locations.putReceived('p4', ref('BAD'), { id: 'BAD', name: 'a\u0000b' }, T(1)),
      locations.putReceived('p4', ref('L3'), { id: 'L3', name: 'three' }, T(1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const page = await locations.listReceived('p4', { offset: 0, limit: 10 });
    expect(page.items.map((l) => l.id).sort()).toEqual(['L1', 'L3']);
    expect(await locations.getReceived('p4', ref('BAD'))).toBeUndefined();
  });
});
