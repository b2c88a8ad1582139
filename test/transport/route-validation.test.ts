import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Reply } from '../support/nodes.ts';
import { location } from '../support/objects.ts';
import { type Pair, startPair, tokenOf } from '../support/pair.ts';
import { memoryStore } from '../support/stores.ts';

/*
 * Path and query parameters are checked by Fastify against the schemas the routes declare:
 * what they refuse is answered, over real HTTP, with the OCPI envelope, status 2001 naming
 * the parameter and HTTP 200 (the error handler's validation branch). What was accepted
 * before (an empty limit, a huge limit, lower-case country codes) still is.
 */
describe('parameters the route schemas refuse', () => {
  let pair: Pair;
  let emspToken: string;
  let cpoToken: string;
  let sender: string;
  let receiver: string;
  let tokens: string;

  beforeAll(async () => {
    pair = await startPair('2.2.1', {}, memoryStore);
    emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    cpoToken = await tokenOf(pair.cpo, pair.emspAtCpo);
    const at = (node: Pair['cpo']) => node.ocpi.versionsUrl().replace(/versions$/, '2.2.1');
    sender = `${at(pair.cpo)}/sender/locations`;
    receiver = `${at(pair.emsp)}/receiver/locations`;
    tokens = `${at(pair.cpo)}/receiver/tokens`;
    await pair.cpo.ocpi.locations.put(location('LOC1'), '2.3.0');
  }, 120_000);
  afterAll(() => pair?.close());

  const refused = (reply: Reply, message: RegExp) => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toEqual({
      status_code: 2001,
      status_message: expect.stringMatching(message),
      timestamp: expect.any(String),
    });
  };

  it.each([
    ['limit=abc', /^invalid query parameter limit: must be a non-negative integer \(got "abc"\)$/],
    ['limit=-5', /query parameter limit: must be a non-negative integer/],
    ['offset=1e3', /query parameter offset: must be a non-negative integer/],
    ['offset=1.5', /query parameter offset: must be a non-negative integer/],
    ['limit=1&limit=2', /query parameter limit:/],
    ['date_from=soon', /query parameter date_from: must be a DateTime such as/],
    ['date_to=2024-13-01T00:00:00Z', /query parameter date_to: must be a DateTime/],
  ])('a list with ?%s: 2001 naming the query parameter', async (query, message) => {
    refused(await call(`${sender}?${query}`, { token: emspToken }), message);
  });

  it('reads what it read before: an empty parameter is absent, a huge limit is clamped, Z is optional', async () => {
    for (const query of [
      'limit=',
      'date_from=',
      'limit=99999999999999999999999',
      'date_from=2020-01-01T00:00:00',
    ]) {
      const reply = await call(`${sender}?${query}`, { token: emspToken });
      expect(reply.body.status_code, query).toBe(1000);
      expect(reply.body.data, query).toHaveLength(1);
    }
  });

  it('refuses path parameters longer than the spec allows, naming them', async () => {
    refused(
      await call(`${receiver}/NLD/CPO/LOC1`, { token: cpoToken }),
      /^invalid URL parameter country_code: must be at most 2 characters \(got 3\)$/,
    );
    refused(
      await call(`${receiver}/NL/CPOX/LOC1`, { token: cpoToken }),
      /URL parameter party_id: must be at most 3/,
    );
    refused(
      await call(`${receiver}/NL/CPO/${'L'.repeat(37)}`, { token: cpoToken }),
      /URL parameter location_id: must be at most 36 characters/,
    );
    refused(
      await call(`${sender}/LOC1/${'E'.repeat(37)}`, { token: emspToken }),
      /URL parameter evse_uid: must be at most 36 characters/,
    );
    refused(
      await call(`${tokens}/DE/MSP/${'T'.repeat(37)}`, { method: 'PUT', token: emspToken, body: {} }),
      /URL parameter token_uid: must be at most 36 characters/,
    );
  });

  it('takes a country code and party id in lower case, as before', async () => {
    const reply = await call(`${receiver}/nl/cpo/NOPE`, { token: cpoToken });
    expect(reply.status).toBe(404);
    expect(reply.body.status_message).toMatch(/unknown Location/);
  });
});
