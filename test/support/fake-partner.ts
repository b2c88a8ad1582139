import Fastify from 'fastify';

/** How the fake partner misbehaves, per test. */
export interface FakePartnerOptions {
  versions?: string[];
  /** The token we (the fake) expect to be called with. */
  token?: string;
  /** Versions endpoint: 'ok', 'slow' (never answers in time), 'garbage' (not JSON), 'html', 'http500', 'not-ocpi'. */
  versionsBehaviour?: 'ok' | 'slow' | 'garbage' | 'http500' | 'not-ocpi';
  /** Drop the credentials endpoint from the details. */
  noCredentialsEndpoint?: boolean;
  /** Only accept the token raw (a strict 2.1.1 partner) */
  rawTokenOnly?: boolean;
  /**
   * Be a CPO (NL*CPO) with a Locations sender interface that serves these objects,
   * `pageSize` a page, by `offset`; and take our credentials POST (unless
   * `credentialsAnswer` says otherwise), so that a node can register with it. `link` writes
   * the Link to the next page (default: a proper one).
   */
  locations?: {
    items: unknown[];
    pageSize: number;
    link?: (next: { base: string; offset: number }) => string;
  };
  /**
   * Serve POST, PUT and DELETE on the credentials endpoint: POST and PUT accept what they
   * are sent and answer with the data this returns (given what was sent); DELETE answers
   * success. Without it the endpoint is listed but not served.
   */
  credentialsAnswer?: (sent: unknown, method: 'POST' | 'PUT') => unknown;
  /**
   * Be an eMSP's Locations receiver (listed in the details as RECEIVER): PUTs and PATCHes
   * called with `token` are recorded as they arrive (`received.pushes`) and answered with
   * success after `delayMs`, a partner that takes its time, so deliveries stay in flight.
   */
  receiver?: { token: string; delayMs?: number };
}

/** A push the fake partner's Locations receiver got, in order of arrival. */
export interface ReceivedPush {
  method: string;
  /** The path below the receiver's Locations endpoint, e.g. `NL/CPO/LOC1/3256`. */
  path: string;
  body: unknown;
}

/** A credentials call the fake partner received. */
export interface ReceivedCredentials {
  method: string;
  auth: string;
  body: unknown;
}

/**
 * A hand-written OCPI partner that can misbehave on purpose, for the fault paths of the
 * handshake. It serves versions and details and records what it was sent.
 */
export async function startFakePartner(options: FakePartnerOptions = {}) {
  const app = Fastify();
  const versions = options.versions ?? ['2.2.1'];
  /** The auth headers seen, the credentials calls, and the Locations pages asked for (host + path). */
  const received = {
    auth: [] as string[],
    credentials: [] as ReceivedCredentials[],
    pages: [] as string[],
    pushes: [] as ReceivedPush[],
  };
  let base = '';
  const authorized = (header: string | undefined) => {
    received.auth.push(header ?? '');
    if (!options.token) return true;
    if (header === `Token ${options.token}`) return true;
    return !options.rawTokenOnly && header === `Token ${Buffer.from(options.token).toString('base64')}`;
  };
  const ok = (data: unknown) => ({ data, status_code: 1000, timestamp: new Date().toISOString() });
  /** A 'slow' versions answer waits for this: it comes when the partner closes, long after any timeout. */
  let release = () => {};
  const closing = new Promise<void>((resolve) => {
    release = resolve;
  });
  app.get('/versions', async (request, reply) => {
    if (!authorized(request.headers.authorization))
      return reply.code(401).send({ status_code: 2000, timestamp: new Date().toISOString() });
    switch (options.versionsBehaviour ?? 'ok') {
      case 'slow':
        await closing;
        return ok([]);
      case 'garbage':
        return reply.type('application/json').send('{"data": [');
      case 'http500':
        return reply.code(500).send('boom');
      case 'not-ocpi':
        return reply.type('text/html').send('<html>hello</html>');
      default:
        return ok(versions.map((version) => ({ version, url: `${base}/details/${version}` })));
    }
  });
  app.get<{ Params: { version: string } }>('/details/:version', async (request, reply) => {
    if (!authorized(request.headers.authorization))
      return reply.code(401).send({ status_code: 2000, timestamp: new Date().toISOString() });
    const endpoints = options.noCredentialsEndpoint
      ? []
      : [{ identifier: 'credentials', role: 'SENDER', url: `${base}/credentials` }];
    if (options.locations)
      endpoints.push({ identifier: 'locations', role: 'SENDER', url: `${base}/locations` });
    if (options.receiver)
      endpoints.push({ identifier: 'locations', role: 'RECEIVER', url: `${base}/receiver/locations` });
    return ok({ version: request.params.version, endpoints });
  });
  const locations = options.locations;
  const answer =
    options.credentialsAnswer ??
    (locations
      ? () => ({
          token: 'token-c',
          url: `${base}/versions`,
          roles: [{ role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'Fake' } }],
        })
      : undefined);
  if (answer) {
    for (const method of ['POST', 'PUT'] as const)
      app.route({
        method,
        url: '/credentials',
        handler: async (request) => {
          received.credentials.push({
            method,
            auth: request.headers.authorization ?? '',
            body: request.body,
          });
          return ok(answer(request.body, method));
        },
      });
    app.delete('/credentials', async (request) => {
      received.credentials.push({
        method: 'DELETE',
        auth: request.headers.authorization ?? '',
        body: undefined,
      });
      return ok(undefined);
    });
  }
  if (locations) {
    app.get<{ Querystring: { offset?: string } }>('/locations', async (request, reply) => {
      received.pages.push(`${request.headers.host}${request.url}`);
      const offset = Number(request.query.offset ?? 0);
      const next = offset + locations.pageSize;
      reply.header('X-Total-Count', String(locations.items.length));
      if (next < locations.items.length) {
        const link = locations.link?.({ base, offset: next }) ?? `${base}/locations?offset=${next}`;
        reply.header('Link', `<${link}>; rel="next"`);
      }
      return ok(locations.items.slice(offset, next));
    });
  }
  const receiver = options.receiver;
  if (receiver) {
    const expected = [`Token ${receiver.token}`, `Token ${Buffer.from(receiver.token).toString('base64')}`];
    app.route<{ Params: { '*': string } }>({
      method: ['PUT', 'PATCH'],
      url: '/receiver/locations/*',
      handler: async (request, reply) => {
        if (!expected.includes(request.headers.authorization ?? ''))
          return reply.code(401).send({ status_code: 2000, timestamp: new Date().toISOString() });
        received.pushes.push({ method: request.method, path: request.params['*'], body: request.body });
        if (receiver.delayMs) await new Promise((resolve) => setTimeout(resolve, receiver.delayMs));
        return ok(undefined);
      },
    });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    base,
    received,
    close: () => {
      release();
      return app.close();
    },
  };
}
