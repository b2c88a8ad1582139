import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOcpiApp } from '../../src/index.ts';
import { ocpi } from '../support/cli.ts';
import { baseUrl, call, startNode } from '../support/nodes.ts';
import { rawRequest } from '../support/raw-http.ts';

const ADMIN = 'admin-listener-token';
const bearer = { authorization: `Bearer ${ADMIN}` };

describe('the admin token', () => {
  it.each([
    ['short', 'short-secret'],
    ['empty', ''],
  ])('is refused when %s: createOcpiApp throws a clear error', async (_what, adminToken) => {
    await expect(createOcpiApp({ adminToken })).rejects.toThrow(/adminToken: at least 16 characters/);
  });

  it('is refused when short by ocpi serve, which exits 1 and says why', async () => {
    // Were it to start anyway: in memory, on a random loopback port.
    const args = ['--admin-token', 'short', '--data', 'memory', '--host', '127.0.0.1', '--port', '0'];
    await expect(ocpi('serve', ...args)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--admin-token \(or OCPI_ADMIN_TOKEN\): at least 16 characters/),
    });
  });
});

describe('the admin API on a listener of its own', () => {
  let node: FastifyInstance;
  let adminUrl: string;

  beforeAll(async () => {
    node = await startNode({ adminToken: ADMIN, adminListener: { host: '127.0.0.1', port: 0 } });
    adminUrl = node.ocpi.adminUrl() as string;
  }, 120_000);
  afterAll(() => node?.close());

  it('answers there, on another port of 127.0.0.1, and not on the OCPI listener', async () => {
    const ocpiPort = (node.server.address() as AddressInfo).port;
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/admin$/);
    expect(new URL(adminUrl).port).not.toBe(String(ocpiPort));

    expect((await call(`${adminUrl}/partners`, { headers: bearer })).body).toMatchObject({
      status_code: 1000,
      data: [],
    });
    expect((await call(`${adminUrl}/partners`)).status).toBe(401);
    const onOcpi = await call(`${baseUrl(node)}/admin/partners`, { headers: bearer });
    expect(onOcpi.status).toBe(404);
    expect(onOcpi.body.status_code).toBe(2000);
    // And OCPI is not served on the admin listener.
    expect((await call(`${adminUrl.replace(/\/admin$/, '')}/ocpi/versions`)).status).toBe(404);
  });

  it('has the limits and envelopes of the OCPI listener', async () => {
    const port = Number(new URL(adminUrl).port);
    const request = (path: string, headers = '') =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN}\r\n${headers}Connection: close\r\n\r\n`;
    const big = await rawRequest(port, request('/admin/partners', `X-Big: ${'b'.repeat(20_000)}\r\n`));
    expect(big.status).toBe(431);
    expect(big.json).toMatchObject({ status_code: 2000, status_message: 'request headers too large' });
    const proto = await rawRequest(port, request('/admin/objects/__proto__'));
    expect(proto.status).toBe(404);
    expect(proto.json).toMatchObject({ status_code: 2000 });
  });

  it('closes with the app', async () => {
    const other = await startNode({ adminToken: ADMIN, adminListener: { port: 0 } });
    const url = other.ocpi.adminUrl() as string;
    expect((await call(`${url}/partners`, { headers: bearer })).status).toBe(200);
    await other.close();
    await expect(fetch(`${url}/partners`)).rejects.toThrow();
  });
});
