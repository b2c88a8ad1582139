import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePartner } from '../support/fake-partner.ts';
import { call, startNode } from '../support/nodes.ts';
import { STORES } from '../support/stores.ts';

type Fake = Awaited<ReturnType<typeof startFakePartner>>;

const credentials = (url: string, token: string, ...parties: string[]) => ({
  token,
  url,
  roles: parties.map((party) => {
    const [country_code, party_id] = party.split('*');
    return { role: 'EMSP', country_code, party_id, business_details: { name: `Platform ${party}` } };
  }),
});

describe.each(STORES)('one platform per party (%s)', (_store, store) => {
  let node: FastifyInstance;
  let fake: Fake;
  let credentialsUrl: string;

  beforeAll(async () => {
    // The node's own party is NL*ACM (the default).
    node = await startNode({ store: store(), http: { timeoutMs: 5000 } });
    fake = await startFakePartner();
    credentialsUrl = node.ocpi.versionsUrl().replace(/versions$/, '2.2.1/credentials');
  });
  afterAll(async () => {
    await Promise.all([node?.close(), fake?.close()]);
  });

  /** Registers a platform for `parties` and returns the token it calls us with. */
  async function register(...parties: string[]): Promise<string> {
    const tokenA = await node.ocpi.createRegistrationToken();
    const reply = await call(credentialsUrl, {
      method: 'POST',
      token: tokenA,
      body: credentials(`${fake.base}/versions`, `b-${parties.join('-')}`, ...parties),
    });
    expect(reply.body.status_code).toBe(1000);
    return (reply.body.data as { token: string }).token;
  }

  const owners = async () =>
    Object.fromEntries(
      (await node.ocpi.partners()).flatMap((p) =>
        p.parties.map((party) => [`${party.countryCode}*${party.partyId}`, p.id]),
      ),
    );

  it('lets exactly one of five concurrent registrations of a party win; the others get 2001 and keep their token A', async () => {
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => node.ocpi.createRegistrationToken()));
    const replies = await Promise.all(
      tokens.map((token, i) =>
        call(credentialsUrl, {
          method: 'POST',
          token,
          body: credentials(`${fake.base}/versions`, `token-b-${i}`, 'DE*DUP'),
        }),
      ),
    );
    const codes = replies.map((r) => r.body.status_code);
    expect(codes.filter((c) => c === 1000)).toHaveLength(1);
    const losers = replies.filter((r) => r.body.status_code !== 1000);
    expect(losers).toHaveLength(4);
    for (const loser of losers) {
      expect(loser.status).toBe(200);
      expect(loser.body.status_code).toBe(2001);
      expect(loser.body.status_message).toMatch(/DE\*DUP is already registered by another platform/);
    }
    expect(
      (await node.ocpi.partners()).filter((p) => p.parties.some((q) => q.partyId === 'DUP')),
    ).toHaveLength(1);
    // The winner's token A is spent; the losers' still register (another party).
    const winner = codes.indexOf(1000);
    expect((await call(node.ocpi.versionsUrl(), { token: tokens[winner] as string })).status).toBe(401);
    for (const [i, token] of tokens.entries())
      if (i !== winner) expect((await call(node.ocpi.versionsUrl(), { token })).status).toBe(200);
  });

  it("refuses a partner that claims one of the node's own parties, and keeps its token A", async () => {
    const tokenA = await node.ocpi.createRegistrationToken();
    const reply = await call(credentialsUrl, {
      method: 'POST',
      token: tokenA,
      body: credentials(`${fake.base}/versions`, 'token-b-own', 'DE*OK1', 'nl*acm'),
    });
    expect(reply.body.status_code).toBe(2001);
    expect(reply.body.status_message).toMatch(/NL\*ACM is a party of this node/);
    expect(await owners()).not.toHaveProperty('DE*OK1');
    expect((await call(node.ocpi.versionsUrl(), { token: tokenA })).status).toBe(200);
  });

  it("does not let a partner take over another partner's party with PUT, nor its own node's", async () => {
    const one = await register('DE*ONE');
    const two = await register('DE*TWO');
    const before = await owners();
    for (const parties of [
      ['DE*TWO', 'DE*ONE'],
      ['DE*TWO', 'NL*ACM'],
    ]) {
      const reply = await call(credentialsUrl, {
        method: 'PUT',
        token: two,
        body: credentials(`${fake.base}/versions`, 'b-two-2', ...parties),
      });
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(
        /(DE\*ONE is already registered by another platform|NL\*ACM is a party of this node)/,
      );
    }
    expect(await owners()).toEqual(before);
    // Its old token still works: nothing was changed.
    expect((await call(credentialsUrl, { token: two })).status).toBe(200);

    // Two partners racing for a new party with PUT: one gets it.
    const replies = await Promise.all(
      [one, two].map((token, i) =>
        call(credentialsUrl, {
          method: 'PUT',
          token,
          body: credentials(`${fake.base}/versions`, `b-race-${i}`, i === 0 ? 'DE*ONE' : 'DE*TWO', 'DE*NEW'),
        }),
      ),
    );
    expect(replies.map((r) => r.body.status_code).sort()).toEqual([1000, 2001]);
    const after = await owners();
    expect(after['DE*ONE']).toBe(before['DE*ONE']);
    expect(after['DE*TWO']).toBe(before['DE*TWO']);
    expect([before['DE*ONE'], before['DE*TWO']]).toContain(after['DE*NEW']);

    // The winner may keep some of its parties and drop others (DE*ONE or DE*TWO goes free).
    const winner = replies.find((r) => r.body.status_code === 1000);
    const kept = await call(credentialsUrl, {
      method: 'PUT',
      token: (winner?.body.data as { token: string } | undefined)?.token ?? '',
      body: credentials(`${fake.base}/versions`, 'b-keep', 'DE*NEW'),
    });
    expect(kept.body.status_code).toBe(1000);
    expect(Object.keys(await owners()).filter((p) => p === 'DE*ONE' || p === 'DE*TWO')).toHaveLength(1);
  });
});
