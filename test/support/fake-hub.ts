import Fastify from 'fastify';

/** The hub's own party: DE*HUB. */
export const HUB_PARTY = { countryCode: 'DE', partyId: 'HUB' };

/** A party the 2.3.0 hub lists in its roles besides itself (2.3.0 hubs list who they reach). */
export const BEHIND_HUB = { role: 'EMSP', countryCode: 'BE', partyId: 'EMX' };

export interface FakeHubOptions {
  version: '2.2.1' | '2.3.0';
  /** What its hubclientinfo sender serves, `pageSize` a page, by offset (Link to the next). */
  clients?: unknown[];
  pageSize?: number;
  /** Its own party (default HUB_PARTY) and, in 2.3.0, the one it lists besides (default BEHIND_HUB). */
  party?: { countryCode: string; partyId: string };
  behind?: { role: string; countryCode: string; partyId: string };
}

/**
 * A minimal OCPI hub on loopback, written by hand: versions, version details (credentials
 * and a hubclientinfo sender), and a credentials endpoint that takes a node's registration
 * and answers as a hub of its version does: 2.2.1 with one role HUB, 2.3.0 with
 * hub_party_id and the parties it reaches. It can also register itself at a node. It
 * accepts any token; `tokens` holds the ones nodes gave it (to call them with).
 */
export async function startFakeHub(options: FakeHubOptions) {
  const app = Fastify();
  const { version } = options;
  const own = options.party ?? HUB_PARTY;
  const behind = options.behind ?? BEHIND_HUB;
  let base = '';
  const tokens: string[] = [];
  const pages: string[] = [];
  const ok = (data: unknown) => ({ data, status_code: 1000, timestamp: new Date().toISOString() });
  const hubRole = (role: string) => ({
    role,
    country_code: own.countryCode,
    party_id: own.partyId,
    business_details: { name: 'Fake Hub' },
  });
  const credentials = (token: string) =>
    version === '2.2.1'
      ? { token, url: `${base}/versions`, roles: [hubRole('HUB')] }
      : {
          token,
          url: `${base}/versions`,
          hub_party_id: `${own.countryCode}${own.partyId}`,
          roles: [
            hubRole('OTHER'),
            {
              role: behind.role,
              country_code: behind.countryCode,
              party_id: behind.partyId,
              business_details: { name: 'Behind the hub' },
            },
          ],
        };

  app.get('/versions', async () => ok([{ version, url: `${base}/details` }]));
  app.get('/details', async () =>
    ok({
      version,
      endpoints: [
        { identifier: 'credentials', role: 'SENDER', url: `${base}/credentials` },
        { identifier: 'hubclientinfo', role: 'SENDER', url: `${base}/hubclientinfo` },
      ],
    }),
  );
  app.post<{ Body: { token?: string } }>('/credentials', async (request) => {
    if (request.body.token) tokens.push(request.body.token);
    return ok(credentials('hub-token-c'));
  });
  app.delete('/credentials', async () => ok(undefined));
  app.get<{ Querystring: { offset?: string } }>('/hubclientinfo', async (request, reply) => {
    pages.push(request.url);
    const clients = options.clients ?? [];
    const size = options.pageSize ?? 100;
    const offset = Number(request.query.offset ?? 0);
    reply.header('X-Total-Count', String(clients.length));
    if (offset + size < clients.length)
      reply.header('Link', `<${base}/hubclientinfo?offset=${offset + size}>; rel="next"`);
    return ok(clients.slice(offset, offset + size));
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  /** Registers the hub at a node (the hub is the Sender of credentials): POST to the node's credentials. */
  const registerAt = async (nodeVersionsUrl: string, tokenA: string) => {
    const auth = { authorization: `Token ${Buffer.from(tokenA).toString('base64')}` };
    const versions = (await (await fetch(nodeVersionsUrl, { headers: auth })).json()) as {
      data: { version: string; url: string }[];
    };
    const detailsUrl = versions.data.find((v) => v.version === version)?.url ?? '';
    const details = (await (await fetch(detailsUrl, { headers: auth })).json()) as {
      data: { endpoints: { identifier: string; url: string }[] };
    };
    const credentialsUrl = details.data.endpoints.find((e) => e.identifier === 'credentials')?.url ?? '';
    const res = await fetch(credentialsUrl, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(credentials('hub-token-b')),
    });
    const answer = (await res.json()) as { status_code: number; data?: { token?: string } };
    if (answer.data?.token) tokens.push(answer.data.token);
    return answer;
  };

  return {
    base,
    versionsUrl: `${base}/versions`,
    tokens,
    pages,
    registerAt,
    close: () => app.close(),
  };
}
