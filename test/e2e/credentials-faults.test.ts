import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePartner } from '../support/fake-partner.ts';
import { call, startNode } from '../support/nodes.ts';

const EMSP_CREDENTIALS = (url: string, token = 'token-b-123') => ({
  token,
  url,
  roles: [{ role: 'EMSP', party_id: 'MSP', country_code: 'DE', business_details: { name: 'Drive Co' } }],
});

describe('credentials as server: bad input and faults', () => {
  let node: FastifyInstance;
  let credentialsUrl: string;

  beforeAll(async () => {
    node = await startNode({ http: { timeoutMs: 500 } });
    credentialsUrl = node.ocpi.versionsUrl().replace(/versions$/, '2.2.1/credentials');
  });
  afterAll(() => node.close());

  it('answers 401 without a token or with an unknown one, on every endpoint', async () => {
    for (const url of [
      node.ocpi.versionsUrl(),
      credentialsUrl,
      node.ocpi.versionsUrl().replace(/versions$/, '2.2.1'),
    ]) {
      const missing = await call(url);
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ status_code: 2000 });
      expect(typeof missing.body.timestamp).toBe('string');
      expect((await call(url, { token: 'not-a-known-token' })).status).toBe(401);
      expect((await call(url, { headers: { authorization: 'Bearer abc' } })).status).toBe(401);
    }
  });

  it('accepts token A raw and base64 on versions and credentials, and refuses it elsewhere', async () => {
    const tokenA = await node.ocpi.createRegistrationToken();
    expect((await call(node.ocpi.versionsUrl(), { token: tokenA })).status).toBe(200);
    expect((await call(node.ocpi.versionsUrl(), { token: tokenA, raw: true })).status).toBe(200);
    const details = await call(node.ocpi.versionsUrl().replace(/versions$/, '2.2.1'), { token: tokenA });
    const base = credentialsUrl.replace(/credentials$/, '');
    // A CPO node: it sends locations and tariffs, receives tokens, commands and charging
    // profiles, and takes a hub's ClientInfo.
    expect(details.body.data).toEqual({
      version: '2.2.1',
      endpoints: [
        { identifier: 'credentials', role: 'SENDER', url: credentialsUrl },
        { identifier: 'hubclientinfo', role: 'RECEIVER', url: `${base}receiver/hubclientinfo` },
        { identifier: 'locations', role: 'SENDER', url: `${base}sender/locations` },
        { identifier: 'tariffs', role: 'SENDER', url: `${base}sender/tariffs` },
        { identifier: 'tokens', role: 'RECEIVER', url: `${base}receiver/tokens` },
        { identifier: 'sessions', role: 'SENDER', url: `${base}sender/sessions` },
        { identifier: 'cdrs', role: 'SENDER', url: `${base}sender/cdrs` },
        { identifier: 'commands', role: 'RECEIVER', url: `${base}receiver/commands` },
        { identifier: 'chargingprofiles', role: 'RECEIVER', url: `${base}receiver/chargingprofiles` },
      ],
    });
    // Functional modules need a registered partner's token.
    const module = await call(node.ocpi.versionsUrl().replace(/versions$/, '2.2.1/sender/locations'), {
      token: tokenA,
    });
    expect(module.status).toBe(401);
    expect(module.body.status_message).toMatch(/only be used for versions and credentials/);
  });

  it('lists versions with their URLs and 2.1.1 endpoints without roles', async () => {
    const tokenA = await node.ocpi.createRegistrationToken();
    const versions = await call(node.ocpi.versionsUrl(), { token: tokenA });
    expect(versions.body).toMatchObject({ status_code: 1000, status_message: 'Success' });
    expect(versions.body.data).toEqual(
      ['2.1.1', '2.2.1', '2.3.0'].map((version) => ({
        version,
        url: node.ocpi.versionsUrl().replace(/versions$/, version),
      })),
    );
    const d211 = await call(node.ocpi.versionsUrl().replace(/versions$/, '2.1.1'), { token: tokenA });
    const base = credentialsUrl.replace('2.2.1', '2.1.1').replace(/credentials$/, '');
    expect(d211.body.data).toEqual({
      version: '2.1.1',
      endpoints: [
        { identifier: 'credentials', url: `${base}credentials` },
        { identifier: 'locations', url: `${base}sender/locations` },
        { identifier: 'tariffs', url: `${base}sender/tariffs` },
        { identifier: 'tokens', url: `${base}receiver/tokens` },
        { identifier: 'sessions', url: `${base}sender/sessions` },
        { identifier: 'cdrs', url: `${base}sender/cdrs` },
        { identifier: 'commands', url: `${base}receiver/commands` },
      ],
    });
  });

  it('echoes X-Request-ID and X-Correlation-ID, and generates them when absent', async () => {
    const tokenA = await node.ocpi.createRegistrationToken();
    const echoed = await call(node.ocpi.versionsUrl(), {
      token: tokenA,
      headers: { 'x-request-id': 'req-1', 'x-correlation-id': 'corr-1' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('req-1');
    expect(echoed.headers.get('x-correlation-id')).toBe('corr-1');
    const generated = await call(node.ocpi.versionsUrl(), { token: tokenA });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers invalid JSON with HTTP 400 and wrong fields with OCPI 2001 naming them', async () => {
    const tokenA = await node.ocpi.createRegistrationToken();
    const bad = await call(credentialsUrl, { method: 'POST', token: tokenA, rawBody: '{"token": ' });
    expect(bad.status).toBe(400);
    expect(bad.body.status_message).toMatch(/invalid JSON/);

    const missing = await call(credentialsUrl, {
      method: 'POST',
      token: tokenA,
      body: { token: 'abc', roles: [] },
    });
    expect(missing.status).toBe(200);
    expect(missing.body.status_code).toBe(2001);
    expect(missing.body.status_message).toMatch(/\/url: is required/);
    expect(missing.body.status_message).toMatch(/\/roles/);

    const wrongType = await call(credentialsUrl, {
      method: 'POST',
      token: tokenA,
      body: {
        ...EMSP_CREDENTIALS('http://127.0.0.1:1/versions'),
        roles: [{ role: 'EMSP', party_id: 'TOOLONG', country_code: 'DE', business_details: { name: 'x' } }],
      },
    });
    expect(wrongType.body.status_code).toBe(2001);
    expect(wrongType.body.status_message).toMatch(/\/roles\/0\/party_id/);
    expect(await node.ocpi.partners()).toEqual([]);
  });

  it('refuses versions URLs with a non-http(s) scheme', async () => {
    const tokenA = await node.ocpi.createRegistrationToken();
    for (const url of [
      'ftp://example.com/versions',
      'file:///etc/passwd',
      'http://169.254.169.254/versions',
    ]) {
      const reply = await call(credentialsUrl, {
        method: 'POST',
        token: tokenA,
        body: EMSP_CREDENTIALS(url),
      });
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/^url: /);
    }
  });

  it('answers 413 to an oversized body', async () => {
    const tokenA = await node.ocpi.createRegistrationToken();
    const reply = await call(credentialsUrl, {
      method: 'POST',
      token: tokenA,
      body: { ...EMSP_CREDENTIALS('http://127.0.0.1:1/'), padding: 'x'.repeat(1024 * 1024 + 1) },
    });
    expect(reply.status).toBe(413);
  });

  it('answers 405 to POST when registered and to PUT/DELETE when not', async () => {
    const tokenA = await node.ocpi.createRegistrationToken();
    expect(
      (
        await call(credentialsUrl, {
          method: 'PUT',
          token: tokenA,
          body: EMSP_CREDENTIALS('http://127.0.0.1:1/'),
        })
      ).status,
    ).toBe(405);
    expect((await call(credentialsUrl, { method: 'DELETE', token: tokenA })).status).toBe(405);
    const other = await startNode({
      parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'Drive Co' } }],
    });
    try {
      const partner = await other.ocpi.registerWith(node.ocpi.versionsUrl(), tokenA);
      const row = await other.ocpi.store.db
        .selectFrom('ocpi_partners')
        .select('outbound_token')
        .executeTakeFirstOrThrow();
      const again = await call(credentialsUrl, {
        method: 'POST',
        token: row.outbound_token,
        body: EMSP_CREDENTIALS(other.ocpi.versionsUrl()),
      });
      expect(again.status).toBe(405);
      expect(again.body.status_message).toMatch(/already registered/);
      await other.ocpi.unregister(partner.id);
    } finally {
      await other.close();
    }
  });

  describe.each([
    // What went wrong on the socket is logged, not told: a caller must not map our network with it.
    ['unreachable', {}, true, 3001, /^could not reach the versions URL$/],
    [
      'slow (times out)',
      { versionsBehaviour: 'slow' as const },
      false,
      3001,
      /^could not reach the versions URL$/,
    ],
    [
      'answering garbage',
      { versionsBehaviour: 'garbage' as const },
      false,
      3001,
      /^the versions URL did not answer with an OCPI response$/,
    ],
    [
      'answering HTML',
      { versionsBehaviour: 'not-ocpi' as const },
      false,
      3001,
      /^the versions URL did not answer with an OCPI response$/,
    ],
    [
      'answering HTTP 500',
      { versionsBehaviour: 'http500' as const },
      false,
      3001,
      /^the versions URL did not answer with an OCPI response$/,
    ],
    [
      'sharing no version',
      { versions: ['2.0', '9.9'] },
      false,
      3002,
      /no mutual version|does not offer version 2.2.1/,
    ],
    [
      'listing no credentials endpoint',
      { noCredentialsEndpoint: true },
      false,
      3003,
      /no credentials endpoint/,
    ],
  ])('a partner %s', (_what, behaviour, closeIt, statusCode, message) => {
    it(`gets OCPI ${statusCode}, nothing is stored and token A stays usable`, async () => {
      const fake = await startFakePartner({ token: 'token-b-123', ...behaviour });
      if (closeIt) await fake.close();
      const tokenA = await node.ocpi.createRegistrationToken();
      const reply = await call(credentialsUrl, {
        method: 'POST',
        token: tokenA,
        body: EMSP_CREDENTIALS(`${fake.base}/versions`),
      });
      if (!closeIt) await fake.close();
      expect(reply.status).toBe(200);
      expect(reply.body.status_code).toBe(statusCode);
      expect(reply.body.status_message).toMatch(message);
      expect(await node.ocpi.partners()).toEqual([]);
      expect((await call(node.ocpi.versionsUrl(), { token: tokenA })).status).toBe(200);
    });
  });

  it('tries the raw token when a partner refuses base64 (strict 2.1.1 partners)', async () => {
    const fake = await startFakePartner({
      token: 'token-b-123',
      versions: ['2.2.1'],
      rawTokenOnly: true,
      noCredentialsEndpoint: true,
    });
    const tokenA = await node.ocpi.createRegistrationToken();
    const reply = await call(credentialsUrl, {
      method: 'POST',
      token: tokenA,
      body: EMSP_CREDENTIALS(`${fake.base}/versions`),
    });
    await fake.close();
    // It got as far as the details (3003), so the raw retry worked.
    expect(reply.body.status_code).toBe(3003);
    expect(fake.received.auth).toContain('Token token-b-123');
  });
});

describe('credentials as client: faults leave no half-registered partner', () => {
  it('removes the pending partner and its token B when the partner refuses our POST', async () => {
    const node = await startNode({ http: { timeoutMs: 500 } });
    // The fake serves versions and details but has no credentials endpoint to POST to.
    const fake = await startFakePartner({ token: 'token-a-xyz' });
    try {
      await expect(node.ocpi.registerWith(`${fake.base}/versions`, 'token-a-xyz')).rejects.toMatchObject({
        statusCode: 3001,
      });
      expect(await node.ocpi.partners()).toEqual([]);
      expect(
        await node.ocpi.store.db
          .selectFrom('ocpi_inbound_tokens')
          .selectAll()
          .where('kind', '<>', 'registration')
          .execute(),
      ).toEqual([]);
      await expect(node.ocpi.registerWith('ftp://example.com/versions', 'x')).rejects.toMatchObject({
        statusCode: 2001,
      });
      await expect(node.ocpi.registerWith(`${fake.base}/versions`, 'wrong-token')).rejects.toMatchObject({
        statusCode: 3001,
      });
    } finally {
      await Promise.all([node.close(), fake.close()]);
    }
  });

  it('drops a pending partner left by a crash mid-handshake when the node starts again', async () => {
    const dir = `/tmp/ocpi-test-${process.pid}-${Date.now()}`;
    const first = await startNode({ store: { kind: 'pglite', dataDir: dir } });
    await first.ocpi.store.db
      .insertInto('ocpi_partners')
      .values({
        id: 'crashed',
        status: 'pending',
        version: '2.2.1',
        versions_url: 'http://x/versions',
        outbound_token: 'a',
        token_encoding: 'base64',
        roles: '[]',
        endpoints: '[]',
        hub_party_id: null,
        created_at: new Date(Date.now() - 3_600_000),
      })
      .execute();
    await first.close();
    const second = await startNode({ store: { kind: 'pglite', dataDir: dir } });
    expect(await second.ocpi.partners()).toEqual([]);
    await second.close();
    await rm(dir, { recursive: true, force: true });
  });
});
