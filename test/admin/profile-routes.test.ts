import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProfileCpo, startFakeProfileCpo } from '../support/fake-profile-cpo.ts';
import { baseUrl, call, startNode } from '../support/nodes.ts';
import { EMSP_PARTY } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';
import { waitFor } from '../support/wait-for.ts';

const ADMIN = 'profile-routes-admin-secret';
const headers = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
const PROFILE = { charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 11000 }] };

/* POST /admin/profiles/{set|get|clear}: the operator's way to send a profile request, as with commands. */
describe.each(STORES)('admin profile routes on %s', (_store, store) => {
  let node: FastifyInstance;
  let cpo: FakeProfileCpo;

  beforeAll(async () => {
    node = await startNode({ adminToken: ADMIN, parties: [EMSP_PARTY], store: store() });
    cpo = await startFakeProfileCpo({ version: '2.2.1' });
    await node.ocpi.registerWith(cpo.versionsUrl, 'a1');
  }, 120_000);
  afterAll(async () => {
    await Promise.all([node?.close(), cpo?.close()]);
  });

  /** Starts the request and gives the NDJSON lines as they come. */
  const send = async (action: string, body: unknown) => {
    const res = await fetch(`${baseUrl(node)}/admin/profiles/${action}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    return {
      res,
      lines: async () =>
        (await res.text())
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
    };
  };

  it.each([
    ['set', { profile: PROFILE }, 'PUT', {}],
    ['get', { duration: 600 }, 'GET', { duration: '600' }],
    ['clear', {}, 'DELETE', {}],
  ])('%s streams the CPO’s answer, then its result', async (action, extra, method, query) => {
    const before = cpo.calls.length;
    const { res, lines } = await send(action, { partner: 'NL*CPO', session: 'S-1', ...extra });
    expect(res.headers.get('content-type')).toMatch(/ndjson/);
    await waitFor(() => cpo.calls.length > before, { what: 'the request at the CPO' });
    expect(cpo.calls.at(-1)).toMatchObject({
      method,
      sessionId: 'S-1',
      query: expect.objectContaining(query),
    });
    await cpo.postResult(cpo.lastResponseUrl(), { result: 'ACCEPTED' });
    const [first, second] = await lines();
    expect(first).toMatchObject({ response: { result: 'ACCEPTED', timeout: 30 } });
    expect(second).toEqual({ result: { result: 'ACCEPTED', source: 'partner' } });
  });

  it.each([
    ['an unknown action', 'fly', { partner: 'NL*CPO', session: 'S-1' }, /unknown profile action fly/],
    ['no partner', 'clear', { session: 'S-1' }, /^partner: is required/],
    ['an unknown partner', 'clear', { partner: 'XX*YYY', session: 'S-1' }, /no registered partner XX\*YYY/],
    ['no session', 'clear', { partner: 'NL*CPO' }, /^invalid body session: /],
    ['set without a profile', 'set', { partner: 'NL*CPO', session: 'S-1' }, /^profile: is required/],
    [
      'a profile of the wrong shape',
      'set',
      { partner: 'NL*CPO', session: 'S-1', profile: { ...PROFILE, charging_rate_unit: 'kW' } },
      /^invalid body profile\/charging_rate_unit: /,
    ],
  ])('refuses %s with OCPI 2001 and sends nothing', async (_what, action, body, message) => {
    const before = cpo.calls.length;
    const reply = await call(`${baseUrl(node)}/admin/profiles/${action}`, { method: 'POST', body, headers });
    expect(reply.status).toBe(200);
    expect(reply.body.status_code).toBe(2001);
    expect(reply.body.status_message).toMatch(message);
    expect(cpo.calls.length).toBe(before);
  });
});
