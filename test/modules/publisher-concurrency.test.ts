import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/delivery/outbox.ts';
import { type Json, location } from '../support/objects.ts';
import { eventually, type Pair, startPair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const EVSES = 20;
const uids = Array.from({ length: EVSES }, (_, i) => `E${i + 1}`);
const evsesOf = (l: Json | undefined) => (l?.evses ?? []) as Json[];

/*
 * Changes to our own Locations made at the same time (EVSE status changes arrive from
 * many chargers at once) are all kept in our store, and each goes out to the partner once.
 */
describe.each(STORES)('concurrent changes of our own Location on %s', (_store, storeOptions) => {
  let pair: Pair;
  const delivered: OutboxEntry[] = [];
  beforeAll(async () => {
    pair = await startPair('2.2.1', {}, storeOptions);
    pair.cpo.ocpi.delivery.on('delivered', (e: { entry: OutboxEntry }) => delivered.push(e.entry));
  });
  afterAll(() => pair?.close());

  it(`keeps all of ${EVSES} EVSE PATCHes made at once, and pushes each once`, async () => {
    const ref = { countryCode: 'NL', partyId: 'CPO', id: 'LOC-RACE' };
    await pair.cpo.ocpi.locations.put(location('LOC-RACE', EVSES, '2030-01-01T00:00:00Z'), '2.3.0');
    await eventually(() => pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, ref));

    await Promise.all([
      ...uids.map((uid, i) =>
        pair.cpo.ocpi.locations.patch(ref, [uid], {
          status: 'CHARGING',
          last_updated: `2030-01-02T00:00:${String(i).padStart(2, '0')}Z`,
        }),
      ),
      pair.cpo.ocpi.locations.patch(ref, [], { name: 'Raced', last_updated: '2030-01-02T00:01:00Z' }),
    ]);

    const ours = await pair.cpo.ocpi.locations.get('LOC-RACE');
    expect(evsesOf(ours).map((e) => [e.uid, e.status])).toEqual(uids.map((uid) => [uid, 'CHARGING']));
    expect(ours?.name).toBe('Raced');
    // The latest of the changes dates the Location.
    expect(ours?.last_updated).toBe('2030-01-02T00:01:00Z');

    const theirs = await eventually(async () => {
      const l = await pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, ref);
      const done = evsesOf(l).every((e) => e.status === 'CHARGING') && l?.name === 'Raced';
      return done ? l : undefined;
    });
    expect(evsesOf(theirs)).toHaveLength(EVSES);
    await eventually(async () => ((await pair.cpo.ocpi.delivery.pending()) === 0 ? true : undefined));
    const patches = delivered.filter((e) => e.method === 'PATCH' && e.url.includes('/LOC-RACE'));
    for (const uid of uids) {
      const forEvse = patches.filter((e) => e.url.endsWith(`/LOC-RACE/${uid}`));
      expect(
        forEvse.map((e) => (e.body as Json).status),
        uid,
      ).toEqual(['CHARGING']);
    }
    expect(patches.filter((e) => e.url.endsWith('/LOC-RACE'))).toHaveLength(1);
  });
});
