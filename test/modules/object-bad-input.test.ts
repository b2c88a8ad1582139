import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Reply } from '../support/nodes.ts';
import { inVersion, type Json, location } from '../support/objects.ts';
import { type Pair, startPair, tokenOf } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

/*
 * Bad input on the object routes gets an OCPI error naming what is wrong (2001), never an
 * HTTP 5xx, and nothing is stored. PostgreSQL refuses NUL in text and jsonb, PGlite years
 * outside 0001-9999: both stores are tried.
 */
describe.each(STORES)('bad input on the object routes on %s', (_store, storeOptions) => {
  let pair: Pair;
  let cpoToken: string;
  let emspToken: string;
  let receiver: string;
  let sender: string;
  let tokens: string;

  beforeAll(async () => {
    pair = await startPair('2.2.1', { cpo: { paging: { maxLimit: 10 } } }, storeOptions);
    cpoToken = await tokenOf(pair.cpo, pair.emspAtCpo);
    emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    receiver = `${pair.emsp.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/receiver/locations/NL/CPO`;
    sender = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/sender/locations`;
    tokens = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/receiver/tokens/DE/MSP`;
    for (let i = 0; i < 12; i++) await pair.cpo.ocpi.locations.put(location(`LOC${i}`), '2.3.0');
  });
  afterAll(() => pair?.close());

  const whole = (id: string, changes: Json = {}): Json => ({
    ...inVersion('2.2.1', 'Location', location('X')),
    id,
    ...changes,
  });
  const refused = (reply: Reply, field: RegExp) => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.status_code).toBe(2001);
    expect(reply.body.status_message).toMatch(field);
  };
  const missing = async (id: string) =>
    expect((await call(`${receiver}/${encodeURIComponent(id)}`, { token: cpoToken })).status).toBe(404);

  it.each([
    ['in year 0000', '0000-01-01T00:00:00Z'],
    ['past 9999 once in UTC', '9999-12-31T23:59:59-05:00'],
    ['before 0001 once in UTC', '0001-01-01T00:30:00+01:00'],
    ['on a day the month has not', '2030-02-30T10:00:00+02:00'],
  ])('refuses a last_updated %s', async (_what, lastUpdated) => {
    refused(
      await call(`${receiver}/LOC-DATE`, {
        method: 'PUT',
        token: cpoToken,
        body: whole('LOC-DATE', { last_updated: lastUpdated }),
      }),
      /\/last_updated: must be a DateTime/,
    );
    await missing('LOC-DATE');
    refused(
      await call(`${receiver}/LOC0`, {
        method: 'PATCH',
        token: cpoToken,
        body: { last_updated: lastUpdated },
      }),
      /\/last_updated: must be a DateTime/,
    );
  });

  it('refuses NUL in an id, in the URL or the body, and in any string field', async () => {
    refused(
      await call(`${receiver}/LOC%00NUL`, { method: 'PUT', token: cpoToken, body: whole('LOC\u0000NUL') }),
      /\blocation_id\b.*printable ASCII/,
    );
    refused(
      await call(`${receiver}/LOC-NUL`, { method: 'PUT', token: cpoToken, body: whole('LOC\u0000NUL') }),
      /\/id: .*printable ASCII/,
    );
    refused(
      await call(`${receiver}/LOC-NUL`, {
        method: 'PUT',
        token: cpoToken,
        body: whole('LOC-NUL', { name: 'Station\u0000Square' }),
      }),
      /\/name: .*NUL/,
    );
    await missing('LOC-NUL');
    refused(await call(`${receiver}/LOC%00NUL`, { token: cpoToken }), /\blocation_id\b.*printable ASCII/);
    refused(await call(`${sender}/LOC%00NUL`, { token: emspToken }), /\blocation_id\b.*printable ASCII/);
    refused(
      await call(`${receiver}/LOC0/E1`, {
        method: 'PATCH',
        token: cpoToken,
        body: { physical_reference: 'A\u0000', last_updated: '2031-01-01T00:00:00Z' },
      }),
      /\/physical_reference: .*NUL/,
    );
    refused(await call(`${tokens}/TOK1?type=RF%00ID`, { token: emspToken }), /\btype\b.*printable ASCII/);
  });

  it('refuses a string that is not Unicode (a lone surrogate)', async () => {
    const body = JSON.stringify(whole('LOC-SUR', { name: 'SURROGATE' })).replace('SURROGATE', '\\ud800');
    refused(
      await call(`${receiver}/LOC-SUR`, { method: 'PUT', token: cpoToken, rawBody: body }),
      /\/name: .*Unicode/,
    );
    await missing('LOC-SUR');
  });

  it('refuses a CiString id that is not printable ASCII, in the URL or the body', async () => {
    refused(
      await call(`${receiver}/${encodeURIComponent('🔥')}`, {
        method: 'PUT',
        token: cpoToken,
        body: whole('🔥'),
      }),
      /\blocation_id\b.*printable ASCII/,
    );
    refused(
      await call(`${receiver}/LOC-TAB`, {
        method: 'PUT',
        token: cpoToken,
        body: whole('LOC-TAB', { evses: [{ ...(whole('x').evses as Json[])[0], uid: 'E\t1' }] }),
      }),
      /\/evses\/0\/uid: .*printable ASCII/,
    );
    refused(
      await call(`${receiver}/${encodeURIComponent('🔥')}`, { token: cpoToken }),
      /\blocation_id\b.*printable/,
    );
    await missing('LOC-TAB');
  });

  it.each([
    ['date_from=0000-01-01T00:00:00Z', /date_from/],
    ['date_to=9999-12-31T23:59:59-05:00', /date_to/],
    ['date_from=2030-02-30T00:00:00Z', /date_from/],
    ['date_to=soon', /date_to/],
    ['offset=99999999999999999999', /offset/],
  ])('answers a list with ?%s with 2001 naming the parameter', async (query, field) => {
    refused(await call(`${sender}?${query}`, { token: emspToken }), field);
  });

  it('reads a cursor beyond bigint as no cursor, and clamps any limit above the maximum', async () => {
    const beyond = await call(`${sender}?cursor=99999999999999999999&offset=10`, { token: emspToken });
    expect(beyond.body.status_code).toBe(1000);
    expect((beyond.body.data as Json[]).map((l) => l.id)).toEqual(['LOC10', 'LOC11']);
    for (const limit of ['11', '99999999999', '99999999999999999999999']) {
      const page = await call(`${sender}?limit=${limit}`, { token: emspToken });
      expect(page.body.status_code, limit).toBe(1000);
      expect(page.body.data, limit).toHaveLength(10);
      expect(page.headers.get('x-limit'), limit).toBe('10');
      expect(page.headers.get('link'), limit).toMatch(/[?&]limit=10\b/);
    }
  });
});
