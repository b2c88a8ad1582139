import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { HubClientStatus } from '../../src/partners/hubs.ts';

type Json = Record<string, unknown>;

/** A party of a node, as the hub announces it. */
export interface HubPartyOf {
  countryCode: string;
  partyId: string;
  role: string;
}

/** A node the hub connects: a real createOcpiApp node and the parties it hosts. */
export interface HubNode {
  name: string;
  app: FastifyInstance;
  parties: HubPartyOf[];
}

/** A request the hub passed on (or answered itself), for the tests to look at. */
export interface HubForward {
  /** The node that sent it. */
  from: string;
  /** The node it went to ('hub' for what the hub answered itself, e.g. a Broadcast Push). */
  to: string;
  method: string;
  /** The path at the hub: `/m/{module}/{role}/...` or `/r/{id}` for command results. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

interface Connection {
  node: HubNode;
  /** The token the node calls the hub with (our token B). */
  tokenB: string;
  /** The token we call the node with (its token C). */
  tokenC: string;
  /** The node's endpoints in the hub's version. */
  endpoints: Array<{ identifier: string; role?: string; url: string }>;
  /** The hub's partner id at the node. */
  hubId: string;
}

export const HUB_PARTY = { countryCode: 'DE', partyId: 'HUB' };
const MODULES = ['locations', 'sessions', 'cdrs', 'tariffs', 'tokens', 'commands', 'chargingprofiles'];
/** Receivers whose requests carry a response_url for an asynchronous result (in the body, or the query of a GET/DELETE). */
const ASYNC_RECEIVERS = new Set(['commands', 'chargingprofiles']);
const ROUTING = ['ocpi-to-country-code', 'ocpi-to-party-id', 'ocpi-from-country-code', 'ocpi-from-party-id'];

const key = (p: { countryCode: string; partyId: string }) => `${p.countryCode}*${p.partyId}`.toUpperCase();
const envelope = (data: unknown, status_code = 1000, status_message?: string) => ({
  ...(data !== undefined ? { data } : {}),
  status_code,
  ...(status_message ? { status_message } : {}),
  timestamp: new Date().toISOString(),
});
const auth = (token: string) => `Token ${Buffer.from(token).toString('base64')}`;

async function getJson(url: string, token: string): Promise<Json> {
  const res = await fetch(url, { headers: { authorization: auth(token) } });
  return (await res.json()) as Json;
}

/**
 * A small OCPI hub for tests: a real Fastify server on loopback that registers with every
 * node as a hub partner through the nodes' own credentials handshake (2.2.1: the role HUB;
 * 2.3.0: hub_party_id, with the parties it reaches in its roles), and passes each request
 * on to the node whose party OCPI-to names, with its own token there. OCPI-to = the hub is a
 * Broadcast Push: passed on to every other node that has the module, from the hub. The
 * response_url of a command or a charging profile request is replaced by one of the hub's,
 * so that the CPO's result comes back through the hub. report() PUTs the ClientInfo of a node's parties to the
 * others' HubClientInfo receivers.
 */
export async function startHub(version: '2.2.1' | '2.3.0', nodes: HubNode[]) {
  const app = Fastify();
  const connections: Connection[] = [];
  const forwards: HubForward[] = [];
  const results = new Map<string, { url: string; to: Connection }>();
  let base = '';

  const caller = (request: FastifyRequest) =>
    connections.find((c) => request.headers.authorization === auth(c.tokenB));
  const ownerOf = (party: { countryCode: string; partyId: string }) =>
    connections.find((c) => c.node.parties.some((p) => key(p) === key(party)));
  const routing = (request: FastifyRequest) => {
    const out: Record<string, string> = {};
    for (const name of ROUTING) {
      const value = request.headers[name];
      if (typeof value === 'string') out[name] = value;
    }
    return out;
  };

  async function send(
    to: Connection,
    method: string,
    url: string,
    headers: Record<string, string>,
    body: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const res = await fetch(url, {
      method,
      headers: {
        authorization: auth(to.tokenC),
        ...headers,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  app.get('/versions', async () => envelope([{ version, url: `${base}/details` }]));
  app.get('/details', async () =>
    envelope({
      version,
      endpoints: [
        { identifier: 'credentials', role: 'SENDER', url: `${base}/credentials` },
        ...MODULES.flatMap((m) =>
          ['SENDER', 'RECEIVER'].map((role) => ({ identifier: m, role, url: `${base}/m/${m}/${role}` })),
        ),
      ],
    }),
  );

  /** A functional request: to the node of the party in OCPI-to, or broadcast when OCPI-to is the hub. */
  async function route(request: FastifyRequest, reply: FastifyReply) {
    const from = caller(request);
    if (!from) return reply.code(401).send(envelope(undefined, 2000, 'unknown token'));
    const { module, role } = request.params as { module: string; role: string };
    const rest = request.url.slice(`/m/${module}/${role}`.length);
    const headers = routing(request);
    const to = {
      countryCode: headers['ocpi-to-country-code'] ?? '',
      partyId: headers['ocpi-to-party-id'] ?? '',
    };
    const record = (target: string, h: Record<string, string>, body: unknown) =>
      forwards.push({
        from: from.node.name,
        to: target,
        method: request.method,
        path: request.url,
        headers: h,
        body,
      });
    const endpointOf = (c: Connection) => c.endpoints.find((e) => e.identifier === module && e.role === role);
    if (key(to) === key(HUB_PARTY)) {
      record('hub', headers, request.body);
      for (const c of connections) {
        const endpoint = endpointOf(c);
        const party = c.node.parties[0];
        if (c === from || !endpoint || !party) continue;
        const h = {
          'ocpi-to-country-code': party.countryCode,
          'ocpi-to-party-id': party.partyId,
          'ocpi-from-country-code': HUB_PARTY.countryCode,
          'ocpi-from-party-id': HUB_PARTY.partyId,
        };
        record(c.node.name, h, request.body);
        await send(c, request.method, `${endpoint.url.replace(/\/+$/, '')}${rest}`, h, request.body);
      }
      return envelope(undefined);
    }
    const target = ownerOf(to);
    const endpoint = target && endpointOf(target);
    if (!target || !endpoint) return envelope(undefined, 4001, `unknown receiver ${key(to)}`);
    const relayed =
      ASYNC_RECEIVERS.has(module) && role === 'RECEIVER' ? relay(from, rest, request.body) : undefined;
    const body = relayed ? relayed.body : request.body;
    record(target.node.name, headers, body);
    const answer = await send(
      target,
      request.method,
      `${endpoint.url.replace(/\/+$/, '')}${relayed ? relayed.rest : rest}`,
      headers,
      body,
    );
    return reply.code(answer.status).send(answer.json);
  }

  /**
   * A request to a receiver that answers later on a response_url (a command, a charging
   * profile request): the response_url, in the body or else in the query, is replaced by one
   * of the hub's, so that the result comes back through the hub to the node that asked.
   */
  function relay(from: Connection, rest: string, body: unknown): { rest: string; body: unknown } {
    const ours = (original: unknown) => {
      const id = randomUUID();
      if (typeof original === 'string') results.set(id, { url: original, to: from });
      return `${base}/r/${id}`;
    };
    if (typeof body === 'object' && body !== null) {
      return { rest, body: { ...(body as Json), response_url: ours((body as Json).response_url) } };
    }
    const url = new URL(rest, base);
    const original = url.searchParams.get('response_url');
    if (original === null) return { rest, body };
    url.searchParams.set('response_url', ours(original));
    return { rest: `${url.pathname}${url.search}`, body };
  }
  app.all('/m/:module/:role', route);
  app.all('/m/:module/:role/*', route);

  /** A result (CommandResult, a charging profile result) for a request we passed on: to the response_url its sender gave. */
  app.post('/r/:id', async (request, reply) => {
    const from = caller(request);
    const result = results.get((request.params as { id: string }).id);
    if (!from || !result) return reply.code(404).send(envelope(undefined, 2001, 'unknown result'));
    const headers = routing(request);
    forwards.push({
      from: from.node.name,
      to: result.to.node.name,
      method: 'POST',
      path: request.url,
      headers,
      body: request.body,
    });
    const answer = await send(result.to, 'POST', result.url, headers, request.body);
    return reply.code(answer.status).send(answer.json);
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  /** Registers with one node: its versions and credentials, with its token A. */
  async function register(node: HubNode): Promise<Connection> {
    const tokenA = await node.app.ocpi.createRegistrationToken();
    const versions = (await getJson(node.app.ocpi.versionsUrl(), tokenA)).data as Array<{
      version: string;
      url: string;
    }>;
    const detailsUrl = versions.find((v) => v.version === version)?.url ?? '';
    const details = (await getJson(detailsUrl, tokenA)).data as { endpoints: Connection['endpoints'] };
    const credentialsUrl = details.endpoints.find((e) => e.identifier === 'credentials')?.url ?? '';
    const reachable = nodes.filter((n) => n !== node).flatMap((n) => n.parties);
    const roles =
      version === '2.2.1'
        ? [
            {
              role: 'HUB',
              country_code: HUB_PARTY.countryCode,
              party_id: HUB_PARTY.partyId,
              business_details: { name: 'Test Hub' },
            },
          ]
        : reachable.map((p) => ({
            role: p.role,
            country_code: p.countryCode,
            party_id: p.partyId,
            business_details: { name: `${key(p)} via the hub` },
          }));
    const tokenB = `hub-${randomUUID()}`;
    const res = await fetch(credentialsUrl, {
      method: 'POST',
      headers: { authorization: auth(tokenA), 'content-type': 'application/json' },
      body: JSON.stringify({
        token: tokenB,
        url: `${base}/versions`,
        roles,
        ...(version === '2.3.0' ? { hub_party_id: key(HUB_PARTY).replace('*', '') } : {}),
      }),
    });
    const answered = (await res.json()) as Json;
    if (answered.status_code !== 1000)
      throw new Error(`hub registration refused: ${JSON.stringify(answered)}`);
    const tokenC = String((answered.data as Json).token);
    const partners = await node.app.ocpi.partners();
    const hub = partners.find((p) => p.versionsUrl === `${base}/versions`);
    if (!hub) throw new Error('the node does not know the hub after registering it');
    return { node, tokenB, tokenC, endpoints: details.endpoints, hubId: hub.id };
  }

  for (const node of nodes) connections.push(await register(node));

  const connection = (name: string): Connection => {
    const c = connections.find((x) => x.node.name === name);
    if (!c) throw new Error(`no node ${name}`);
    return c;
  };

  return {
    base,
    /** What the hub passed on, in order. */
    forwards,
    /** The hub's partner id at a node. */
    hubIdAt: (name: string) => connection(name).hubId,
    /** The token the hub calls a node with (for requests the hub makes up itself). */
    tokenAt: (name: string) => connection(name).tokenC,
    /**
     * Reports the status of one node's parties to every other node (a ClientInfo each),
     * as the hub does with HubClientInfo.
     */
    async report(name: string, status: HubClientStatus, at = new Date()): Promise<void> {
      const subject = connection(name);
      for (const c of connections) {
        if (c === subject) continue;
        const endpoint = c.endpoints.find((e) => e.identifier === 'hubclientinfo' && e.role === 'RECEIVER');
        if (!endpoint) throw new Error(`${c.node.name} has no hubclientinfo receiver`);
        for (const p of subject.node.parties) {
          const info = {
            country_code: p.countryCode,
            party_id: p.partyId,
            role: p.role,
            status,
            last_updated: at.toISOString(),
          };
          const url = `${endpoint.url.replace(/\/+$/, '')}/${p.countryCode}/${p.partyId}`;
          const answer = await send(c, 'PUT', url, {}, info);
          if ((answer.json as Json | undefined)?.status_code !== 1000)
            throw new Error(`ClientInfo refused by ${c.node.name}: ${JSON.stringify(answer.json)}`);
        }
      }
    },
    close: () => app.close(),
  };
}

export type TestHub = Awaited<ReturnType<typeof startHub>>;

/** The parties of the three-party tests (a CPO, eMSPs A and B), and a fast delivery worker. */
export const CPO = {
  countryCode: 'NL',
  partyId: 'CPO',
  role: 'CPO' as const,
  businessDetails: { name: 'Charge Co' },
};
export const EMSP_A = {
  countryCode: 'DE',
  partyId: 'MSA',
  role: 'EMSP' as const,
  businessDetails: { name: 'A' },
};
export const EMSP_B = {
  countryCode: 'FR',
  partyId: 'MSB',
  role: 'EMSP' as const,
  businessDetails: { name: 'B' },
};
export const FAST = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };

/** A registered 2.2.1 hub partner as the registry writes it, for store-level tests. */
export const HUB_PARTNER_WRITE = {
  status: 'registered' as const,
  version: '2.2.1' as const,
  versionsUrl: 'http://127.0.0.1:9/versions',
  outboundToken: 'token-c',
  tokenEncoding: 'base64' as const,
  parties: [{ role: 'HUB', countryCode: 'DE', partyId: 'HUB', businessDetails: { name: 'Hub' } }],
  endpoints: [],
};
