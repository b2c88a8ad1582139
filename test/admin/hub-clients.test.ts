import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeHub } from '../support/fake-hub.ts';
import { call, startNode } from '../support/nodes.ts';
import { CPO_PARTY, EMSP_PARTY } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const ADMIN = 'admin-hub-clients-token';
const bearer = { authorization: `Bearer ${ADMIN}` };

const clientInfo = (pid: string, status: string) => ({
  country_code: 'NL',
  party_id: pid,
  role: 'EMSP',
  status,
  last_updated: '2026-12-01T10:00:00Z',
});

/* The admin API shows the parties behind each hub partner, with their ClientInfo status. */
describe.each(STORES)('the admin API and hub clients on %s', (_name, store) => {
  let node: FastifyInstance;
  let emsp: FastifyInstance;
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let hubId: string;
  let emspId: string;
  let admin: string;

  beforeAll(async () => {
    hub = await startFakeHub({ version: '2.2.1', clients: [clientInfo('EMB', 'PLANNED')] });
    node = await startNode({ parties: [CPO_PARTY], store: store(), adminToken: ADMIN });
    emsp = await startNode({ parties: [EMSP_PARTY] });
    hubId = (await node.ocpi.registerWith(hub.versionsUrl, 'token-a')).id;
    emspId = (
      await node.ocpi.registerWith(emsp.ocpi.versionsUrl(), await emsp.ocpi.createRegistrationToken())
    ).id;
    const url = `${node.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/receiver/hubclientinfo/NL/EMA`;
    const put = await call(url, {
      method: 'PUT',
      token: hub.tokens[0] ?? '',
      body: clientInfo('EMA', 'CONNECTED'),
    });
    expect(put.body.status_code).toBe(1000);
    admin = node.ocpi.adminUrl() ?? '';
  }, 60_000);
  afterAll(async () => {
    await Promise.all([node?.close(), emsp?.close(), hub?.close()]);
  });

  it('lists a hub with its parties and their status, and another partner without', async () => {
    const reply = await call(`${admin}/partners`, { headers: bearer });
    const partners = reply.body.data as Array<{ id: string; hubClients?: unknown[] }>;
    expect(partners.find((p) => p.id === hubId)?.hubClients).toEqual([
      {
        countryCode: 'NL',
        partyId: 'EMA',
        role: 'EMSP',
        status: 'CONNECTED',
        lastUpdated: '2026-12-01T10:00:00.000Z',
      },
    ]);
    expect(partners.find((p) => p.id === emspId)).not.toHaveProperty('hubClients');
  });

  it('answers the parties behind one partner, empty for a partner that is no hub, 404 for none', async () => {
    const clients = await call(`${admin}/partners/${hubId}/clients`, { headers: bearer });
    expect(clients.body).toMatchObject({
      status_code: 1000,
      data: [{ partyId: 'EMA', status: 'CONNECTED' }],
    });
    expect((await call(`${admin}/partners/${emspId}/clients`, { headers: bearer })).body.data).toEqual([]);
    const none = await call(`${admin}/partners/no-such-partner/clients`, { headers: bearer });
    expect(none.status).toBe(404);
    expect((await call(`${admin}/partners/${hubId}/clients`)).status).toBe(401);
  });

  it("syncs a hub's ClientInfo list (NDJSON progress), and refuses to for a partner that is no hub", async () => {
    const res = await fetch(`${admin}/partners/${hubId}/sync/hubclientinfo`, {
      method: 'POST',
      headers: bearer,
    });
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toEqual({ done: { pages: 1, received: 1, skipped: 0, total: 1 } });
    expect((await node.ocpi.hubClients.list(hubId)).map((c) => [c.partyId, c.status])).toEqual([
      ['EMA', 'CONNECTED'],
      ['EMB', 'PLANNED'],
    ]);
    const refused = await fetch(`${admin}/partners/${emspId}/sync/hubclientinfo`, {
      method: 'POST',
      headers: bearer,
    });
    expect(await refused.text()).toMatch(/"status_code":2001/);
    const badDate = await call(`${admin}/partners/${hubId}/sync/hubclientinfo?date_from=soon`, {
      method: 'POST',
      headers: bearer,
    });
    expect(badDate.body.status_code).toBe(2001);
  });
});
