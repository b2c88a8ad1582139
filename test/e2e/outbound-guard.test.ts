import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailedEvent } from '../../src/delivery/worker.ts';
import { openStore } from '../../src/store/store.ts';
import {
  type ConnectionCounter,
  fakeLookup,
  LOOPBACK_SPELLINGS,
  startConnectionCounter,
} from '../support/connection-counter.ts';
import { call, startNode } from '../support/nodes.ts';
import { CPO_PARTY, EMSP_PARTY, eventually, tokenOf } from '../support/pair.ts';
import { memoryStore } from '../support/stores.ts';

const BLOCK_PRIVATE = { allowPrivateNetworks: false };
const ADMIN = 'outbound-guard-admin-secret';

const credentials = (url: string) => ({
  token: 'token-b-guard',
  url,
  roles: [{ role: 'EMSP', party_id: 'MSP', country_code: 'DE', business_details: { name: 'Drive Co' } }],
});

describe('a node that blocks private networks', () => {
  let counter: ConnectionCounter;
  let node: FastifyInstance;
  const dns = fakeLookup({ 'partner.test': '127.0.0.1' });

  beforeAll(async () => {
    counter = await startConnectionCounter();
    node = await startNode({
      adminToken: ADMIN,
      outboundUrlPolicy: BLOCK_PRIVATE,
      http: { timeoutMs: 2000, lookup: dns.lookup },
    });
  });
  afterAll(async () => {
    await node.close();
    await counter.close();
  });

  const register = (versionsUrl: string) =>
    call(`${node.ocpi.versionsUrl().replace(/\/ocpi\/versions$/, '')}/admin/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
      body: { versionsUrl, token: 'token-a-of-theirs' },
    });
  const handshake = async (url: string) =>
    call(node.ocpi.versionsUrl().replace(/versions$/, '2.2.1/credentials'), {
      method: 'POST',
      token: await node.ocpi.createRegistrationToken(),
      body: credentials(url),
    });

  it.each(LOOPBACK_SPELLINGS)('refuses http://%s at once with 2001, never connecting', async (host) => {
    const url = `http://${host}:${counter.port}/versions`;
    const viaAdmin = await register(url);
    expect(viaAdmin.body.status_code).toBe(2001);
    expect(viaAdmin.body.status_message).toMatch(/^versionsUrl: address not allowed/);
    const viaPartner = await handshake(url);
    expect(viaPartner.status).toBe(200);
    expect(viaPartner.body.status_code).toBe(2001);
    expect(viaPartner.body.status_message).toMatch(/^url: address not allowed/);
    expect(counter.connections()).toBe(0);
    expect(await node.ocpi.partners()).toEqual([]);
  });

  it('refuses a host name that resolves to loopback when it connects, saying no more', async () => {
    const url = `http://partner.test:${counter.port}/versions`;
    // The operator is told why; a partner only that the URL could not be reached.
    const viaAdmin = await register(url);
    expect(viaAdmin.body.status_code).toBe(3001);
    expect(viaAdmin.body.status_message).toBe(
      `could not reach the versions URL: GET ${url}: address not allowed`,
    );
    const viaPartner = await handshake(url);
    expect(viaPartner.body.status_code).toBe(3001);
    expect(viaPartner.body.status_message).toBe('could not reach the versions URL');
    expect(dns.asked).toContain('partner.test');
    expect(counter.connections()).toBe(0);
    expect(await node.ocpi.partners()).toEqual([]);
  });
});

describe('a node restarted with private networks blocked', () => {
  it('refuses the stored partner: no push and no command result reaches it', async () => {
    const store = await openStore(memoryStore());
    const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
    const cpoOptions = { versions: ['2.2.1' as const], parties: [CPO_PARTY], delivery: fast, store };
    let cpo = await startNode(cpoOptions);
    const emsp = await startNode({ parties: [EMSP_PARTY], delivery: fast });
    try {
      const partner = await emsp.ocpi.registerWith(
        cpo.ocpi.versionsUrl(),
        await cpo.ocpi.createRegistrationToken(),
      );
      await cpo.close();
      cpo = await startNode({ ...cpoOptions, outboundUrlPolicy: BLOCK_PRIVATE });
      let reached = 0;
      emsp.server.on('connection', () => reached++);

      // A push to the eMSP's stored (loopback) endpoint is refused when it would connect.
      const failed: FailedEvent[] = [];
      cpo.ocpi.delivery.on('failed', (e) => failed.push(e));
      await cpo.ocpi.tariffs.put({
        country_code: 'NL',
        party_id: 'CPO',
        id: 'T-GUARD',
        currency: 'EUR',
        tax_included: 'NO',
        elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }] }],
        last_updated: '2024-01-01T00:00:00Z',
      });
      const first = await eventually(async () => failed[0]);
      expect(first.error).toMatch(/^PUT http:\/\/127\.0\.0\.1:\d+\/\S+: address not allowed/);

      // A command whose response_url points at the partner: refused before anything runs.
      const commandsUrl = `${cpo.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/receiver/commands`;
      const responseUrl = `${emsp.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/sender/commands/START_SESSION/x1`;
      const reply = await call(`${commandsUrl}/START_SESSION`, {
        method: 'POST',
        token: await tokenOf(emsp, partner.id),
        body: {
          response_url: responseUrl,
          token: {
            country_code: 'DE',
            party_id: 'MSP',
            uid: 'GUARD-1',
            type: 'RFID',
            contract_id: 'DE-MSP-C00001-1',
            issuer: 'Drive Co',
            valid: true,
            whitelist: 'ALLOWED',
            last_updated: '2024-01-01T00:00:00Z',
          },
          location_id: 'ANY',
        },
      });
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/^response_url: address not allowed/);
      expect(reached).toBe(0);
    } finally {
      await Promise.all([cpo.close(), emsp.close()]);
      await store.close();
    }
  }, 60_000);
});
