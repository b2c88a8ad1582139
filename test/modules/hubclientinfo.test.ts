import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubClientChange, openApiDocument } from '../../src/index.ts';
import { renderClientInfo } from '../../src/modules/hubclientinfo/client-info.ts';
import { startFakeHub } from '../support/fake-hub.ts';
import { call, startNode } from '../support/nodes.ts';
import { CPO_PARTY, startPair, tokenOf } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

/*
 * A hub registered with a node pushes the ClientInfo of the parties behind it (PUT) and
 * reads it back (GET), over real HTTP, on both stores and both versions that have the module.
 */
const CASES = (['2.2.1', '2.3.0'] as const).flatMap((version) =>
  STORES.map(([name, store]) => [version, name, store] as const),
);

describe.each(CASES)('HubClientInfo receiver over OCPI %s on %s', (version, _name, store) => {
  let node: FastifyInstance;
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let hubId: string;
  let hubToken: string;
  let url: string;

  beforeAll(async () => {
    hub = await startFakeHub({ version });
    node = await startNode({ parties: [CPO_PARTY], store: store() });
    hubId = (await node.ocpi.registerWith(hub.versionsUrl, 'token-a')).id;
    hubToken = hub.tokens[0] ?? '';
    url = `${node.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/hubclientinfo`;
  }, 60_000);
  afterAll(async () => {
    await node?.close();
    await hub?.close();
  });

  const clientInfo = (cc: string, pid: string, fields: Record<string, unknown> = {}) => ({
    country_code: cc,
    party_id: pid,
    role: 'EMSP',
    status: 'CONNECTED',
    last_updated: '2026-12-01T10:00:00Z',
    ...fields,
  });
  const put = (path: string, body: unknown, token = hubToken) =>
    call(`${url}/${path}`, { method: 'PUT', token, body });
  const get = (path: string, token = hubToken) => call(`${url}/${path}`, { token });

  it('stores a PUT and answers it to a GET; a second PUT tells listeners the status before', async () => {
    const changes: HubClientChange[] = [];
    const received: unknown[] = [];
    const off = node.ocpi.hubClients.onChange((c) => changes.push(c));
    const onReceived = (event: unknown) => received.push(event);
    node.ocpi.events.on('received', onReceived);
    try {
      expect((await put('NL/EMA', clientInfo('NL', 'EMA'))).body.status_code).toBe(1000);
      const first = await get('NL/EMA');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status_code: 1000, data: clientInfo('NL', 'EMA') });

      const offline = clientInfo('NL', 'EMA', { status: 'OFFLINE', last_updated: '2026-12-01T11:00:00Z' });
      expect((await put('NL/EMA', offline)).body.status_code).toBe(1000);
      expect((await get('NL/EMA')).body.data).toEqual(offline);
      expect(changes.map((c) => [c.client.partnerId, c.previous, c.client.status])).toEqual([
        [hubId, undefined, 'CONNECTED'],
        [hubId, 'CONNECTED', 'OFFLINE'],
      ]);
      expect(received).toEqual([
        { module: 'hubclientinfo', partnerId: hubId, object: clientInfo('NL', 'EMA') },
        { module: 'hubclientinfo', partnerId: hubId, object: offline },
      ]);
      expect(await node.ocpi.hubClients.list(hubId)).toEqual([
        expect.objectContaining({ countryCode: 'NL', partyId: 'EMA', role: 'EMSP', status: 'OFFLINE' }),
      ]);
    } finally {
      off();
      node.ocpi.events.off('received', onReceived);
    }
  });

  it('refuses an unknown role or status with 2001 naming the field, and stores nothing', async () => {
    for (const [field, value] of [
      ['role', 'SUPERHUB'],
      ['status', 'ASLEEP'],
      ['last_updated', 'yesterday'],
    ] as const) {
      const reply = await put('NL/EMB', clientInfo('NL', 'EMB', { [field]: value }));
      expect(reply.body.status_code, field).toBe(2001);
      expect(reply.body.status_message).toMatch(new RegExp(`/${field}`));
    }
    expect((await put('NL/EMB', 'not an object')).body.status_code).toBe(2001);
    expect((await get('NL/EMB')).body.status_code).toBe(2001);
    expect(await node.ocpi.hubClients.list(hubId)).not.toContainEqual(
      expect.objectContaining({ partyId: 'EMB' }),
    );
  });

  it('refuses a body that names another party than the URL, naming the field; the URL wins when the body names none', async () => {
    const other = await put('NL/EMC', clientInfo('NL', 'XXX'));
    expect(other.body.status_code).toBe(2001);
    expect(other.body.status_message).toMatch(/party_id XXX is not the URL's EMC/);
    const country = await put('NL/EMC', clientInfo('BE', 'EMC'));
    expect(country.body.status_message).toMatch(/country_code BE/);
    expect((await get('NL/EMC')).body.status_code).toBe(2001);

    const { country_code: _cc, party_id: _pid, ...bare } = clientInfo('NL', 'EMC');
    expect((await put('NL/EMC', bare)).body.status_code).toBe(1000);
    expect((await get('NL/EMC')).body.data).toEqual(clientInfo('NL', 'EMC'));
  });

  it('reads party keys case-insensitively (nl/emx is NL/EMX) and last_updated with or without Z or fractions', async () => {
    const lower = clientInfo('nl', 'emx', { last_updated: '2026-12-01T10:00:00' });
    expect((await put('nl/emx', lower)).body.status_code).toBe(1000);
    expect((await get('NL/EMX')).body.data).toEqual(clientInfo('NL', 'EMX'));
    const fraction = clientInfo('NL', 'EMX', {
      status: 'SUSPENDED',
      last_updated: '2026-12-01T12:00:00.250Z',
    });
    expect((await put('Nl/eMx', fraction)).body.status_code).toBe(1000);
    expect((await get('nl/emx')).body.data).toEqual({
      ...fraction,
      last_updated: '2026-12-01T12:00:00.250Z',
    });
    expect((await node.ocpi.hubClients.list(hubId)).filter((c) => c.partyId === 'EMX')).toHaveLength(1);
  });

  it('acknowledges a PUT older than the stored ClientInfo without applying it', async () => {
    const now = clientInfo('NL', 'EMD', { status: 'CONNECTED', last_updated: '2026-12-01T12:00:00Z' });
    const late = clientInfo('NL', 'EMD', { status: 'OFFLINE', last_updated: '2026-12-01T11:00:00Z' });
    expect((await put('NL/EMD', now)).body.status_code).toBe(1000);
    const changes: HubClientChange[] = [];
    const off = node.ocpi.hubClients.onChange((c) => changes.push(c));
    try {
      expect((await put('NL/EMD', late)).body.status_code).toBe(1000);
    } finally {
      off();
    }
    expect((await get('NL/EMD')).body.data).toEqual(now);
    expect(changes).toEqual([]);
  });

  it('keeps one ClientInfo per party when a hub PUTs it many times at once', async () => {
    const statuses = ['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'];
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        put('NL/EME', clientInfo('NL', 'EME', { status: statuses[i % statuses.length] })),
      ),
    );
    expect(replies.map((r) => r.body.status_code)).toEqual(replies.map(() => 1000));
    const rows = (await node.ocpi.hubClients.list(hubId)).filter((c) => c.partyId === 'EME');
    expect(rows).toHaveLength(1);
    expect(statuses).toContain(rows[0]?.status);
  });

  it('answers a GET of a party it was never told of as an unknown object (HTTP 404, OCPI 2001)', async () => {
    const reply = await get('FR/NON');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ status_code: 2001, status_message: 'unknown ClientInfo FR*NON' });
  });

  it('keeps a 2.2.1 hub role HUB as it came', async () => {
    const asHub = clientInfo('NL', 'HBX', { role: 'HUB' });
    const reply = await put('NL/HBX', asHub);
    if (version === '2.3.0') {
      // 2.3.0 has no HUB role.
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/\/role/);
      return;
    }
    expect(reply.body.status_code).toBe(1000);
    expect((await get('NL/HBX')).body.data).toEqual(asHub);
    expect((await node.ocpi.hubClients.list(hubId)).find((c) => c.partyId === 'HBX')?.role).toBe('HUB');
  });

  it("pulls the hub's ClientInfo list page by page, skipping what is invalid", async () => {
    const clients = [
      clientInfo('IT', 'AAA', { role: 'CPO' }),
      clientInfo('IT', 'BBB', { status: 'PLANNED' }),
      clientInfo('IT', 'CCC', { status: 'NOT_A_STATUS' }),
      clientInfo('IT', 'DDD', { role: 'NSP', status: 'OFFLINE' }),
    ];
    const listing = await startFakeHub({
      version,
      clients,
      pageSize: 3,
      party: { countryCode: 'DE', partyId: 'HB2' },
      behind: { role: 'CPO', countryCode: 'BE', partyId: 'CP2' },
    });
    try {
      const id = (await node.ocpi.registerWith(listing.versionsUrl, 'token-a')).id;
      expect(await node.ocpi.hubClients.sync(id)).toEqual({ pages: 2, received: 3, skipped: 1, total: 4 });
      expect(listing.pages).toEqual(['/hubclientinfo', '/hubclientinfo?offset=3']);
      expect((await node.ocpi.hubClients.list(id)).map((c) => [c.partyId, c.role, c.status])).toEqual([
        ['AAA', 'CPO', 'CONNECTED'],
        ['BBB', 'EMSP', 'PLANNED'],
        ['DDD', 'NSP', 'OFFLINE'],
      ]);
    } finally {
      await listing.close();
    }
  });
});

describe.each(STORES)('HubClientInfo for partners that are not hubs, on %s', (_name, store) => {
  it('refuses the ClientInfo of a partner that is no hub with 2001, and stores nothing', async () => {
    for (const version of ['2.2.1', '2.3.0'] as const) {
      const pair = await startPair(version, { cpo: { store: store() }, emsp: { store: store() } });
      try {
        const asEmsp = await tokenOf(pair.emsp, pair.cpoAtEmsp);
        const url = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/hubclientinfo/NL/EMX`;
        const body = {
          country_code: 'NL',
          party_id: 'EMX',
          role: 'EMSP',
          status: 'CONNECTED',
          last_updated: '2026-12-01T10:00:00Z',
        };
        const reply = await call(url, { method: 'PUT', token: asEmsp, body });
        expect(reply.status, version).toBe(200);
        expect(reply.body.status_code).toBe(2001);
        expect(reply.body.status_message).toMatch(/reported by hubs only/);
        expect(await pair.cpo.ocpi.hubClients.list()).toEqual([]);
        expect((await call(url, { token: asEmsp })).status).toBe(404);
        // Without a token: 401, as on every module.
        expect((await call(url, { method: 'PUT', body })).status).toBe(401);
        await expect(pair.cpo.ocpi.hubClients.sync(pair.emspAtCpo)).rejects.toThrow(/is not a hub/);
      } finally {
        await pair.close();
      }
    }
  }, 90_000);
});

describe('HubClientInfo in the version details', () => {
  it('is announced as a receiver in 2.2.1 and 2.3.0, whatever the roles, and not at all in 2.1.1', async () => {
    const node = await startNode({ parties: [CPO_PARTY, { ...CPO_PARTY, partyId: 'MSP', role: 'EMSP' }] });
    try {
      const token = await node.ocpi.createRegistrationToken();
      const endpoints = async (version: string) => {
        const details = await call(node.ocpi.versionsUrl().replace(/versions$/, version), { token });
        return (details.body.data as { endpoints: { identifier: string; role?: string; url: string }[] })
          .endpoints;
      };
      for (const version of ['2.2.1', '2.3.0']) {
        const found = (await endpoints(version)).filter((e) => e.identifier === 'hubclientinfo');
        expect(found, version).toEqual([
          {
            identifier: 'hubclientinfo',
            role: 'RECEIVER',
            url: `${node.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/hubclientinfo`,
          },
        ]);
      }
      expect((await endpoints('2.1.1')).map((e) => e.identifier)).not.toContain('hubclientinfo');
    } finally {
      await node.close();
    }
  });
});

describe('HubClientInfo in the OpenAPI document', () => {
  it('documents PUT and GET of a ClientInfo in 2.2.1 and 2.3.0, and nothing in 2.1.1', async () => {
    for (const version of ['2.2.1', '2.3.0'] as const) {
      const doc = await openApiDocument(version);
      const item = doc.paths[`/${version}/receiver/hubclientinfo/{country_code}/{party_id}`];
      expect(item?.put?.requestBody?.content['application/json']?.schema, version).toEqual({
        $ref: '#/components/schemas/ClientInfo',
      });
      expect(item?.get?.operationId).toBe('receiverGetClientInfo');
      // A configuration module: no routing headers, only the request ids.
      const headers = (item?.put?.parameters ?? []).flatMap((p) => ('$ref' in p ? [p.$ref] : []));
      expect(headers.some((ref) => ref.includes('OCPI-'))).toBe(false);
      expect(headers.some((ref) => ref.includes('X-Request-ID'))).toBe(true);
    }
    const v211 = await openApiDocument('2.1.1');
    expect(Object.keys(v211.paths).filter((p) => p.includes('hubclientinfo'))).toEqual([]);
  });
});

describe('a stored ClientInfo in either version', () => {
  const stored = {
    partnerId: 'hub',
    countryCode: 'NL',
    partyId: 'HBX',
    role: 'HUB',
    status: 'CONNECTED' as const,
    lastUpdated: new Date('2026-12-01T10:00:00Z'),
  };
  it('keeps a 2.2.1 HUB role for 2.2.1 and writes it as OTHER for 2.3.0, which has no HUB', () => {
    expect(renderClientInfo('2.2.1', stored)).toMatchObject({
      role: 'HUB',
      last_updated: '2026-12-01T10:00:00Z',
    });
    expect(renderClientInfo('2.3.0', stored)).toMatchObject({ role: 'OTHER' });
    expect(renderClientInfo('2.3.0', { ...stored, role: 'NSP' })).toMatchObject({ role: 'NSP' });
  });
});
