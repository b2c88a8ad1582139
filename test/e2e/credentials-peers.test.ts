import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePartner } from '../support/fake-partner.ts';
import { call, startNode } from '../support/nodes.ts';

type Fake = Awaited<ReturnType<typeof startFakePartner>>;
const base64 = (token: string) => `Token ${Buffer.from(token).toString('base64')}`;

/** Credentials as a real peer sends them: every optional field there, as null. */
const withNulls = (url: string, token: string, party = 'DE*FAK') => ({
  token,
  url,
  roles: [
    {
      role: 'EMSP',
      party_id: party.split('*')[1],
      country_code: party.split('*')[0],
      business_details: { name: 'Null Co', website: null, logo: null },
    },
  ],
  hub_party_id: null,
});

describe('credentials with optional fields sent as null, as server', () => {
  let node: FastifyInstance;
  let fake: Fake;
  const credentialsUrl = (version: string) =>
    node.ocpi.versionsUrl().replace(/versions$/, `${version}/credentials`);

  beforeAll(async () => {
    node = await startNode();
    fake = await startFakePartner({ versions: ['2.1.1', '2.2.1'] });
  });
  afterAll(async () => {
    await Promise.all([node?.close(), fake?.close()]);
  });

  it('registers with POST and updates with PUT (2.2.1 roles)', async () => {
    const posted = await call(credentialsUrl('2.2.1'), {
      method: 'POST',
      token: await node.ocpi.createRegistrationToken(),
      body: withNulls(`${fake.base}/versions`, 'token-b-1', 'DE*NU1'),
    });
    expect(posted.body).toMatchObject({ status_code: 1000 });
    const partner = (await node.ocpi.partners()).find((p) => p.parties[0]?.partyId === 'NU1');
    expect(partner?.parties).toEqual([
      { role: 'EMSP', countryCode: 'DE', partyId: 'NU1', businessDetails: { name: 'Null Co' } },
    ]);
    expect(partner).not.toHaveProperty('hubPartyId');

    const body = withNulls(`${fake.base}/versions`, 'token-b-2', 'DE*NU1');
    const logo = { url: 'https://null.example/logo.png', thumbnail: null, category: 'OPERATOR', type: 'png' };
    const put = await call(credentialsUrl('2.2.1'), {
      method: 'PUT',
      token: (posted.body.data as { token: string }).token,
      body: {
        ...body,
        roles: body.roles.map((r) => ({ ...r, business_details: { name: 'Null Co', logo } })),
      },
    });
    expect(put.body).toMatchObject({ status_code: 1000 });
    const updated = await node.ocpi.partner(partner?.id as string);
    expect(updated?.parties[0]?.businessDetails).toEqual({
      name: 'Null Co',
      logo: { url: 'https://null.example/logo.png', category: 'OPERATOR', type: 'png' },
    });
  });

  it('registers with POST (2.1.1 flat credentials)', async () => {
    const posted = await call(credentialsUrl('2.1.1'), {
      method: 'POST',
      token: await node.ocpi.createRegistrationToken(),
      raw: true,
      body: {
        token: 'token-b-211',
        url: `${fake.base}/versions`,
        party_id: 'NU2',
        country_code: 'DE',
        business_details: { name: 'Null Co', website: null, logo: null },
      },
    });
    expect(posted.body).toMatchObject({ status_code: 1000 });
  });
});

describe('credentials with optional fields sent as null, as client', () => {
  let node: FastifyInstance;
  const fakes: Fake[] = [];
  beforeAll(async () => {
    node = await startNode({ http: { timeoutMs: 2000 } });
  });
  afterAll(async () => {
    await Promise.all([node?.close(), ...fakes.map((f) => f.close())]);
  });

  /** A peer whose answer to our POST and PUT is `answer(its base URL, method)`. */
  async function peer(answer: (base: string, method: 'POST' | 'PUT') => unknown): Promise<Fake> {
    let base = '';
    const fake = await startFakePartner({ credentialsAnswer: (_sent, method) => answer(base, method) });
    base = fake.base;
    fakes.push(fake);
    return fake;
  }

  const leftovers = () =>
    node.ocpi.store.db
      .selectFrom('ocpi_inbound_tokens')
      .select('kind')
      .where('kind', 'in', ['partner', 'pending'])
      .execute();

  it('stores a partner whose answer to our POST has null optional fields, and does not unregister there', async () => {
    const fake = await peer((base) => withNulls(`${base}/versions`, 'token-c-nulls', 'DE*NU3'));
    const partner = await node.ocpi.registerWith(`${fake.base}/versions`, 'token-a');
    expect(partner).toMatchObject({ status: 'registered' });
    expect(partner.parties).toEqual([
      { role: 'EMSP', countryCode: 'DE', partyId: 'NU3', businessDetails: { name: 'Null Co' } },
    ]);
    expect(fake.received.credentials.map((c) => c.method)).toEqual(['POST']);
    await node.ocpi.unregister(partner.id);
  });

  it.each([
    [
      'an answer without url',
      (base: string) => ({ ...withNulls(`${base}/versions`, 'token-c-bad'), url: null }),
      3001,
      /\/url: is required/,
    ],
    [
      'an answer claiming our own party',
      (base: string) => withNulls(`${base}/versions`, 'token-c-bad', 'NL*ACM'),
      2001,
      /party NL\*ACM is a party of this node/,
    ],
  ])(
    'unregisters there (DELETE with the token it gave) when the peer accepted our POST but sent %s',
    async (_what, answer, statusCode, reason) => {
      const fake = await peer((base) => answer(base));
      const before = (await leftovers()).length;
      const error = await node.ocpi.registerWith(`${fake.base}/versions`, 'token-a').catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode });
      expect((error as Error).message).toMatch(reason);
      expect((error as Error).message).toMatch(/accepted our credentials.*we unregistered there again/);
      expect(fake.received.credentials.map((c) => [c.method, c.auth])).toEqual([
        ['POST', base64('token-a')],
        ['DELETE', base64('token-c-bad')],
      ]);
      expect(await node.ocpi.partners()).toEqual([]);
      expect((await leftovers()).length).toBe(before);
    },
  );

  it('unregisters there and forgets the partner when the peer accepted our PUT but its answer is unusable', async () => {
    const fake = await peer((base, method) =>
      method === 'POST'
        ? withNulls(`${base}/versions`, 'token-c-1', 'DE*NU4')
        : { token: 'token-c-2', url: `${base}/versions`, roles: [] },
    );
    const partner = await node.ocpi.registerWith(`${fake.base}/versions`, 'token-a');
    await expect(node.ocpi.updateCredentials(partner.id)).rejects.toMatchObject({
      statusCode: 3001,
      message: expect.stringMatching(
        /PUT .*accepted our credentials.*\/roles: must not be empty.*we unregistered there again/,
      ),
    });
    expect(fake.received.credentials.map((c) => [c.method, c.auth])).toEqual([
      ['POST', base64('token-a')],
      ['PUT', base64('token-c-1')],
      ['DELETE', base64('token-c-2')],
    ]);
    expect(await node.ocpi.partners()).toEqual([]);
  });
});
