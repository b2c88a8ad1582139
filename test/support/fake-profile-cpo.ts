import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import type { OcpiVersion } from '../../src/index.ts';
import { isJsonObject } from '../../src/model/json.ts';
import { call, type Reply } from './nodes.ts';

/** A request the fake CPO's ChargingProfiles receiver got. */
export interface ProfileCall {
  method: string;
  sessionId: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeProfileCpoOptions {
  version: OcpiVersion;
  /** The CPO's party (default NL*CPO). */
  party?: { countryCode: string; partyId: string };
  /** The role the party claims (default CPO). */
  role?: string;
  /** Leave the chargingprofiles receiver out of the version details. */
  noProfilesReceiver?: boolean;
}

/**
 * A CPO played by hand, for the eMSP/SCSP side of ChargingProfiles: it serves versions,
 * details and credentials so that a node registers with it, and a ChargingProfiles
 * receiver that records each request and answers what `answer` says (default ACCEPTED,
 * timeout 30). It posts results and pushes active profiles to the node as a CPO would.
 */
export async function startFakeProfileCpo(options: FakeProfileCpoOptions) {
  const app: FastifyInstance = Fastify();
  const party = options.party ?? { countryCode: 'NL', partyId: 'CPO' };
  const calls: ProfileCall[] = [];
  /** The token the node gave us in its credentials: what we call it with. */
  let nodeToken = '';
  let answer: (call: ProfileCall) => unknown | Promise<unknown> = () => ({ result: 'ACCEPTED', timeout: 30 });
  let base = '';
  const ok = (data: unknown) => ({ data, status_code: 1000, timestamp: new Date().toISOString() });

  app.get('/versions', async () => ok([{ version: options.version, url: `${base}/details` }]));
  app.get('/details', async () => {
    const endpoints = [{ identifier: 'credentials', role: 'SENDER', url: `${base}/credentials` }];
    if (!options.noProfilesReceiver)
      endpoints.push({ identifier: 'chargingprofiles', role: 'RECEIVER', url: `${base}/chargingprofiles` });
    return ok({ version: options.version, endpoints });
  });
  app.post('/credentials', async (request) => {
    const token = isJsonObject(request.body) ? request.body.token : undefined;
    nodeToken = typeof token === 'string' ? token : '';
    const business_details = { name: 'Fake Charge Co' };
    const ids = { country_code: party.countryCode, party_id: party.partyId };
    return ok(
      options.version === '2.1.1'
        ? { token: 'token-c', url: `${base}/versions`, business_details, ...ids }
        : {
            token: 'token-c',
            url: `${base}/versions`,
            roles: [{ role: options.role ?? 'CPO', business_details, ...ids }],
          },
    );
  });
  app.route<{ Params: { session: string }; Querystring: Record<string, string> }>({
    method: ['PUT', 'GET', 'DELETE'],
    url: '/chargingprofiles/:session',
    handler: async (request) => {
      const received: ProfileCall = {
        method: request.method,
        sessionId: request.params.session,
        query: { ...request.query },
        body: request.body,
        headers: request.headers,
      };
      calls.push(received);
      return ok(await answer(received));
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    versionsUrl: `${base}/versions`,
    calls,
    /** What the receiver answers from now on (the `data` of the envelope). */
    answerWith(next: (call: ProfileCall) => unknown | Promise<unknown>) {
      answer = next;
    },
    /** The response_url of the receiver's last request. */
    lastResponseUrl(): string {
      const last = calls.at(-1);
      const fromBody = isJsonObject(last?.body) ? last.body.response_url : undefined;
      const url = last?.query.response_url ?? fromBody;
      if (typeof url !== 'string') throw new Error('the last request carried no response_url');
      return url;
    },
    /** POSTs a result to a response_url of the node, as this CPO. */
    postResult(url: string, body: unknown): Promise<Reply> {
      return call(url, { method: 'POST', token: nodeToken, body });
    },
    /** PUTs an ActiveChargingProfile to the node's sender interface, as this CPO. */
    putActive(senderUrl: string, sessionId: string, body: unknown): Promise<Reply> {
      return call(`${senderUrl}/${sessionId}`, { method: 'PUT', token: nodeToken, body });
    },
    close: () => app.close(),
  };
}

export type FakeProfileCpo = Awaited<ReturnType<typeof startFakeProfileCpo>>;
