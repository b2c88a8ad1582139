import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/delivery/outbox.ts';
import type { OcpiVersion } from '../../src/index.ts';
import { call, startNode } from '../support/nodes.ts';
import { eventually, MATRIX, type Pair, startPair, tokenOf } from '../support/pair.ts';
import { blockValue, exampleJson, jsonBlocks211 } from '../support/spec-fixtures.ts';

type Json = Record<string, unknown>;

const EMSP = { countryCode: 'DE', partyId: 'MSP' };
const OTHER_PARTY = {
  countryCode: 'FR',
  partyId: 'OTH',
  role: 'EMSP' as const,
  businessDetails: { name: 'Other Drive Co' },
};
const FAST = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };

/**
 * The spec's example CDR in a version's shape, repaired where the spec is wrong (see
 * test/model/spec-example-exceptions.ts): the 2.3.0 file's Tariff lacks tax_included, the
 * 2.1.1 block gives a price as a string.
 */
function exampleCdr(version: OcpiVersion): Json {
  if (version === '2.1.1') {
    const [block] = jsonBlocks211('mod_cdrs.md');
    const cdr = blockValue(block as Parameters<typeof blockValue>[0]) as Json;
    for (const t of cdr.tariffs as Json[])
      for (const e of t.elements as Json[])
        for (const pc of e.price_components as Json[]) pc.price = Number(pc.price);
    return cdr;
  }
  const cdr = exampleJson(version, 'cdr_example.json') as Json;
  if (version === '2.3.0') for (const t of cdr.tariffs as Json[]) t.tax_included ??= 'NO';
  return { ...cdr, country_code: 'NL', party_id: 'CPO' };
}

/** A CDR of the CPO NL*CPO (canonical 2.3.0 shape) for a token of `emsp`. */
function cdr(id: string, emsp: { countryCode: string; partyId: string }): Json {
  const base = exampleCdr('2.3.0');
  return {
    ...base,
    id,
    cdr_token: { ...(base.cdr_token as Json), country_code: emsp.countryCode, party_id: emsp.partyId },
  };
}

const versionBase = (node: FastifyInstance, version: string) =>
  node.ocpi.versionsUrl().replace(/versions$/, version);

describe.each(MATRIX)('CDRs over OCPI %s on %s', (version, _store, storeOptions) => {
  let pair: Pair;
  let other: FastifyInstance;
  let cpoAtOther: string;
  let otherAtCpo: string;
  const sent: OutboxEntry[] = [];
  const v211 = version === '2.1.1';

  beforeAll(async () => {
    pair = await startPair(version, {}, storeOptions);
    other = await startNode({ parties: [OTHER_PARTY], delivery: FAST });
    cpoAtOther = (
      await other.ocpi.registerWith(
        pair.cpo.ocpi.versionsUrl(),
        await pair.cpo.ocpi.createRegistrationToken(),
      )
    ).id;
    otherAtCpo = ((await pair.cpo.ocpi.partners()).find((p) => p.id !== pair.emspAtCpo) as { id: string }).id;
    pair.cpo.ocpi.delivery.on('delivered', (e) => sent.push(e.entry));
  });
  afterAll(async () => {
    await other?.close();
    await pair?.close();
  });

  const ref = (id: string) => ({ countryCode: 'NL', partyId: 'CPO', id });

  it('a CDR posted by the CPO arrives at the eMSP of its token only, once', async () => {
    const mine = await pair.cpo.ocpi.cdrs.post(cdr('C1', EMSP), '2.3.0');
    const theirs = await pair.cpo.ocpi.cdrs.post(cdr('C-OTHER', OTHER_PARTY), '2.3.0');
    const got = await eventually(() => pair.emsp.ocpi.cdrs.received(pair.cpoAtEmsp, ref('C1')));
    await eventually(() => other.ocpi.cdrs.received(cpoAtOther, ref('C-OTHER')));
    if (v211) {
      // 2.1.1 loses what it cannot say (LOSSY.md); the bill itself arrives whole.
      expect(got).toMatchObject({
        id: 'C1',
        start_date_time: mine.start_date_time,
        end_date_time: mine.end_date_time,
        total_cost: { before_taxes: (mine.total_cost as Json).before_taxes },
        total_energy: mine.total_energy,
        // ChargingPeriod.tariff_id came with 2.2.
        charging_periods: (mine.charging_periods as Json[]).map(({ tariff_id: _, ...p }) => p),
        cdr_token: { country_code: 'DE', party_id: 'MSP', contract_id: (mine.cdr_token as Json).contract_id },
        cdr_location: { id: 'LOC1', evse_uid: '3256', connector_id: '1' },
      });
    } else {
      expect(got).toEqual(mine);
    }
    expect(await pair.cpo.ocpi.cdrs.get('C1')).toEqual(mine);

    // CDRs are immutable: the same id again is refused, and nothing more is sent.
    await expect(
      pair.cpo.ocpi.cdrs.post({ ...cdr('C1', EMSP), total_energy: 99 }, '2.3.0'),
    ).rejects.toMatchObject({
      statusCode: 2001,
      message: expect.stringMatching(/already exists/),
    });
    expect((await pair.cpo.ocpi.cdrs.get('C1'))?.total_energy).toBe(mine.total_energy);
    await eventually(async () => ((await pair.cpo.ocpi.delivery.pending()) === 0 ? true : undefined));
    const emspCdrs = `${versionBase(pair.emsp, version)}/receiver/cdrs`;
    expect(sent.filter((e) => e.orderingKey.includes('/C1/')).map((e) => [e.method, e.url])).toEqual([
      ['POST', emspCdrs],
    ]);
    expect(sent.filter((e) => e.orderingKey.includes('/C-OTHER/')).map((e) => e.partnerId)).toEqual([
      otherAtCpo,
    ]);
    expect(await pair.emsp.ocpi.cdrs.received(pair.cpoAtEmsp, ref('C-OTHER'))).toBeUndefined();
    expect(await other.ocpi.cdrs.received(cpoAtOther, ref('C1'))).toBeUndefined();
    expect(theirs.id).toBe('C-OTHER');
  });

  it('the sender lists each eMSP the CDRs of its own tokens, paginated', async () => {
    for (let i = 0; i < 3; i++)
      await pair.cpo.ocpi.cdrs.post(
        {
          ...cdr(`C-PAGE-${i}`, EMSP),
          last_updated: `2031-01-0${i + 1}T00:00:00Z`,
        },
        '2.3.0',
      );
    const url = `${versionBase(pair.cpo, version)}/sender/cdrs`;
    const list = async (node: FastifyInstance, partner: string, query: string) => {
      const reply = await call(`${url}${query}`, { token: await tokenOf(node, partner) });
      expect(reply.body.status_code).toBe(1000);
      return {
        ids: (reply.body.data as Json[]).map((c) => c.id),
        total: reply.headers.get('x-total-count'),
        link: reply.headers.get('link'),
      };
    };
    const all = await list(pair.emsp, pair.cpoAtEmsp, '');
    expect(all.ids).toEqual(['C1', 'C-PAGE-0', 'C-PAGE-1', 'C-PAGE-2']);
    expect(all.total).toBe('4');
    const page = await list(pair.emsp, pair.cpoAtEmsp, '?date_from=2031-01-01T00:00:00Z&limit=2');
    expect(page).toMatchObject({ ids: ['C-PAGE-0', 'C-PAGE-1'], total: '3' });
    expect(page.link).toMatch(/offset=2/);
    expect((await list(pair.emsp, pair.cpoAtEmsp, '?date_to=2031-01-02T00:00:00Z')).ids).toEqual([
      'C1',
      'C-PAGE-0',
    ]);
    expect((await list(other, cpoAtOther, '')).ids).toEqual(['C-OTHER']);
    const pulled = await pair.emsp.ocpi.sync(pair.cpoAtEmsp, 'cdrs', { limit: 3 });
    expect(pulled).toMatchObject({ pages: 2, received: 4, skipped: 0, total: 4 });
    expect((await pair.emsp.ocpi.cdrs.listReceived(pair.cpoAtEmsp)).total).toBe(4);
  });
});

describe.each(['2.1.1', '2.2.1', '2.3.0'] as OcpiVersion[])(
  'the eMSP CDRs receiver over OCPI %s, as the CPO sees it',
  (version) => {
    let pair: Pair;
    let token: string;
    let url: string;
    const v211 = version === '2.1.1';

    beforeAll(async () => {
      pair = await startPair(version);
      token = await tokenOf(pair.cpo, pair.emspAtCpo);
      url = `${versionBase(pair.emsp, version)}/receiver/cdrs`;
    });
    afterAll(() => pair?.close());

    const post = (body: unknown) => call(url, { method: 'POST', token, body });
    const stored = async () => (await pair.emsp.ocpi.cdrs.listReceived(pair.cpoAtEmsp)).total;

    it('accepts the spec example CDR with 201 and a Location that reads it back equal', async () => {
      const example = exampleCdr(version);
      const reply = await post(example);
      expect(reply.status).toBe(201);
      expect(reply.body.status_code).toBe(1000);
      const location = reply.headers.get('location');
      expect(location).toBe(`${url}/NL/CPO/${example.id}`);
      const read = await call(location as string, { token });
      expect(read.status).toBe(200);
      expect(read.body.data).toEqual(example);
      const kept = await pair.emsp.ocpi.cdrs.received(pair.cpoAtEmsp, {
        countryCode: 'NL',
        partyId: 'CPO',
        id: String(example.id),
      });
      // 2.1.1 CDRs carry no owner (taken from the partner) and name the token by auth_id only (ours).
      expect(kept).toMatchObject({
        country_code: 'NL',
        party_id: 'CPO',
        cdr_token: v211 ? { country_code: 'DE', party_id: 'MSP' } : (example.cdr_token as Json),
      });
    });

    it('refuses a second POST of the same CDR id with 2001 and keeps the first; no PUT, PATCH or DELETE', async () => {
      const first = { ...exampleCdr(version), id: 'C-DUP' };
      const created = await post(first);
      expect(created.status).toBe(201);
      const location = created.headers.get('location') as string;
      const before = await stored();
      const again = await post({ ...first, total_energy: 99 });
      expect(again.status).toBe(200);
      expect(again.body.status_code).toBe(2001);
      expect(again.body.status_message).toMatch(/C-DUP .*already exists/);
      expect(again.headers.get('location')).toBeNull();
      expect((await call(location, { token })).body.data).toEqual(first);
      expect(await stored()).toBe(before);
      for (const method of ['PUT', 'PATCH', 'DELETE']) {
        const reply = await call(location, {
          method,
          token,
          ...(method === 'DELETE' ? {} : { body: first }),
        });
        expect(reply.status, method).toBe(405);
        expect(reply.body.status_code, method).toBe(2000);
      }
      expect((await call(location, { token })).body.data).toEqual(first);
      const missing = await call(`${url}/NL/CPO/NOPE`, { token });
      expect(missing.status).toBe(404);
      expect(missing.body.status_code).toBe(2001);
    });

    it('refuses broken CDRs with 2001 naming the field, and stores nothing', async () => {
      const before = await stored();
      const bad: Json = { ...exampleCdr(version), id: 'C-BAD' };
      const { currency: _, ...noCurrency } = bad;
      const reply = await post(noCurrency);
      expect(reply.status).toBe(200);
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/\/currency: is required/);
      const noPeriods = await post({ ...exampleCdr(version), id: 'C-BAD', charging_periods: [] });
      expect(noPeriods.body.status_code).toBe(2001);
      expect(noPeriods.body.status_message).toMatch(/\/charging_periods/);
      expect((await post(undefined)).body.status_code).toBe(2001);
      expect(await stored()).toBe(before);
      expect((await call(`${url}/NL/CPO/C-BAD`, { token })).status).toBe(404);
    });

    it.runIf(!v211)('refuses a CDR of a party the CPO platform did not register', async () => {
      const before = await stored();
      const reply = await post({
        ...exampleCdr(version),
        id: 'C-FOREIGN',
        country_code: 'FR',
        party_id: 'XYZ',
      });
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/FR\*XYZ is not a party this platform registered/);
      expect(await stored()).toBe(before);
    });
  },
);
