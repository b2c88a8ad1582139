import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OcpiVersion } from '../../src/index.ts';
import { call } from '../support/nodes.ts';
import { inVersion, type Json, location } from '../support/objects.ts';
import { type Pair, startPair, tokenOf } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const version: OcpiVersion = '2.2.1';
const T = (second: number) => `2030-01-01T00:00:${String(second).padStart(2, '0')}Z`;

/*
 * A CPO pushing many Locations at once, as its PUTs reach the eMSP's receiver together (the
 * receiver writes what arrives together in one statement): each PUT is answered as if it came
 * alone, the newest data wins, and a bad one fails alone.
 */
describe.each(STORES)('concurrent PUTs to the Locations receiver on %s', (_store, storeOptions) => {
  let pair: Pair;
  let cpoToken: string;
  let base: string;
  const received: Json[] = [];

  beforeAll(async () => {
    pair = await startPair(version, {}, storeOptions);
    cpoToken = await tokenOf(pair.cpo, pair.emspAtCpo);
    base = `${pair.emsp.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/locations`;
    pair.emsp.ocpi.events.on('received', (e: { module: string; object: Json }) => {
      if (e.module === 'locations') received.push(e.object);
    });
  }, 120_000);
  afterAll(() => pair?.close());

  const put = (path: string, body: Json) =>
    call(`${base}/${path}`, { method: 'PUT', token: cpoToken, body: inVersion(version, 'Location', body) });

  it('keeps the latest last_updated of concurrent PUTs of one Location, whatever order they land in', async () => {
    const seconds = [7, 3, 12, 1, 9, 12, 5, 11, 2, 10, 4, 8, 6];
    const replies = await Promise.all(
      seconds.map((s, i) =>
        put('NL/CPO/RACE', { ...location('RACE', 1, T(s)), name: `at ${s} (#${i})`, last_updated: T(s) }),
      ),
    );
    expect(replies.map((r) => r.body.status_code)).toEqual(seconds.map(() => 1000));
    const stored = (await call(`${base}/NL/CPO/RACE`, { token: cpoToken })).body.data as Json;
    // Two PUTs carry second 12: either may be the last, the time is the latest.
    expect(stored.last_updated).toBe(T(12));
    expect(['at 12 (#2)', 'at 12 (#5)']).toContain(stored.name);
    // The last 'received' event of the Location tells what is stored.
    const events = received.filter((l) => l.id === 'RACE');
    expect(events.at(-1)).toMatchObject({ name: stored.name, last_updated: T(12) });
  });

  it('answers a bad PUT among concurrent ones with 2001 naming the field, and stores the others only', async () => {
    const ids = ['OK1', 'OK2', 'BAD', 'OK3', 'OK4', 'THEIRS'];
    const replies = await Promise.all(
      ids.map((id) => {
        if (id === 'BAD') return put(`NL/CPO/${id}`, { ...location(id), coordinates: { latitude: 'north' } });
        if (id === 'THEIRS')
          return put(`DE/XXX/${id}`, { ...location(id), country_code: 'DE', party_id: 'XXX' });
        return put(`NL/CPO/${id}`, location(id));
      }),
    );
    const answer = Object.fromEntries(ids.map((id, i) => [id, replies[i]?.body]));
    for (const id of ['OK1', 'OK2', 'OK3', 'OK4']) expect(answer[id]?.status_code, id).toBe(1000);
    expect(answer.BAD).toMatchObject({ status_code: 2001 });
    expect(answer.BAD?.status_message).toContain('coordinates');
    expect(answer.THEIRS).toMatchObject({ status_code: 2001 });
    expect(answer.THEIRS?.status_message).toContain('DE*XXX');
    for (const id of ['OK1', 'OK2', 'OK3', 'OK4'])
      expect((await call(`${base}/NL/CPO/${id}`, { token: cpoToken })).body.data, id).toMatchObject({ id });
    expect((await call(`${base}/NL/CPO/BAD`, { token: cpoToken })).status).toBe(404);
    expect((await call(`${base}/DE/XXX/THEIRS`, { token: cpoToken })).body.status_code).not.toBe(1000);
  });
});
