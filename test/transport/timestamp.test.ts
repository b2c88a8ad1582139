import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDateTime } from '../../src/model/datetime.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { baseUrl, call } from '../support/nodes.ts';
import { type Pair, startPair, tokenOf } from '../support/pair.ts';

const ADMIN_TOKEN = 'admin-token-of-the-timestamp-test';

describe("every answer's timestamp is the node's clock", () => {
  const clock = new ManualClock();
  let pair: Pair;
  let token: string;
  let ocpi: string;
  const now = () => formatDateTime(new Date(clock.now()));

  beforeAll(async () => {
    pair = await startPair('2.2.1', { cpo: { clock, adminToken: ADMIN_TOKEN } });
    token = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    ocpi = `${baseUrl(pair.cpo)}/ocpi`;
    // A day and a bit ahead of the real time: no answer stamped by the system clock can match.
    await clock.advance(24 * 3600_000 + 789);
  });
  afterAll(() => pair?.close());

  it('versions and version details', async () => {
    const versions = await call(`${ocpi}/versions`, { token });
    expect(versions.body.timestamp).toBe(now());
    const details = await call(`${ocpi}/2.2.1`, { token });
    expect(details.body.status_code).toBe(1000);
    expect(details.body.timestamp).toBe(now());
  });

  it('a module GET', async () => {
    const list = await call(`${ocpi}/2.2.1/sender/locations`, { token });
    expect(list.body).toMatchObject({ status_code: 1000, data: [] });
    expect(list.body.timestamp).toBe(now());
  });

  it('errors: of a route, of authentication, of an unknown OCPI endpoint and outside /ocpi', async () => {
    const unknown = await call(`${ocpi}/2.2.1/sender/locations/NO-SUCH-LOCATION`, { token });
    expect(unknown.body.status_code).toBeGreaterThanOrEqual(2000);
    const unauthenticated = await call(`${ocpi}/2.2.1/sender/locations`);
    expect(unauthenticated.status).toBe(401);
    const unrouted = await call(`${ocpi}/2.2.1/no-such-module`, { token });
    expect(unrouted.status).toBe(404);
    const outside = await call(`${baseUrl(pair.cpo)}/nowhere`);
    expect(outside.status).toBe(404);
    for (const answer of [unknown, unauthenticated, unrouted, outside])
      expect(answer.body.timestamp).toBe(now());
  });

  it('the admin API', async () => {
    const partners = await call(`${baseUrl(pair.cpo)}/admin/partners`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(partners.body.status_code).toBe(1000);
    expect(partners.body.timestamp).toBe(now());
  });
});
