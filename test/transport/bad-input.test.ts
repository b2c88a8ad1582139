import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePartner } from '../support/fake-partner.ts';
import { startNode } from '../support/nodes.ts';
import { rawRequest } from '../support/raw-http.ts';

const ADMIN = 'bad-input-admin-token';

let node: FastifyInstance;
let fake: Awaited<ReturnType<typeof startFakePartner>>;
let port: number;

beforeAll(async () => {
  node = await startNode({ adminToken: ADMIN, requestTimeoutMs: 1000 });
  fake = await startFakePartner();
  port = (node.server.address() as AddressInfo).port;
}, 120_000);
afterAll(async () => {
  await Promise.all([node?.close(), fake?.close()]);
});

interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Bytes of the body actually sent, when fewer than announced (a client that stalls). */
  sent?: string;
}

/** An HTTP/1.1 request as bytes; the server closes the connection after answering. */
function bytes(req: Req): string {
  const lines = [`${req.method ?? 'GET'} ${req.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(req.headers ?? {})) lines.push(`${name}: ${value}`);
  if (req.body !== undefined)
    lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(req.body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${req.sent ?? req.body ?? ''}`;
}

const admin = { authorization: `Bearer ${ADMIN}` };
const tokenA = async () => ({
  authorization: `Token ${Buffer.from(await node.ocpi.createRegistrationToken()).toString('base64')}`,
});
const credentials = (name: string) =>
  JSON.stringify({
    token: 'token-b-bad-input',
    url: `${fake.base}/versions`,
    roles: [{ role: 'EMSP', party_id: 'BAD', country_code: 'DE', business_details: { name } }],
  });
const deepArrays = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const deepObjects = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
const credentialsPath = '/ocpi/2.2.1/credentials';

/** name, the request, the HTTP status, and what the status_message says. */
const CASES: Array<[string, () => Promise<Req> | Req, number, RegExp]> = [
  [
    'malformed JSON',
    async () => ({ method: 'POST', path: credentialsPath, headers: await tokenA(), body: '{"token": ' }),
    400,
    /invalid JSON/,
  ],
  [
    '100,000 nested arrays',
    async () => ({ method: 'POST', path: credentialsPath, headers: await tokenA(), body: deepArrays }),
    400,
    /nested deeper than/,
  ],
  [
    '50,000 nested objects',
    async () => ({ method: 'POST', path: credentialsPath, headers: await tokenA(), body: deepObjects }),
    400,
    /nested deeper than/,
  ],
  [
    'nested arrays on the admin API',
    () => ({ method: 'PUT', path: '/admin/objects/locations', headers: admin, body: deepArrays }),
    400,
    /nested deeper than/,
  ],
  [
    'a string with U+0000 (which the database cannot hold)',
    async () => ({
      method: 'POST',
      path: credentialsPath,
      headers: await tokenA(),
      body: credentials('Bad\u0000Co'),
    }),
    200,
    /U\+0000|NUL/,
  ],
  [
    'a string with a lone surrogate (which the database cannot hold)',
    async () => ({
      method: 'POST',
      path: credentialsPath,
      headers: await tokenA(),
      body: credentials('Bad\ud800Co'),
    }),
    200,
    /surrogate/,
  ],
  ...['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'].flatMap(
    (key): Array<[string, () => Req, number, RegExp]> => [
      [
        `GET /admin/objects/${key}`,
        () => ({ path: `/admin/objects/${key}`, headers: admin }),
        404,
        /unknown module/,
      ],
      [
        `PUT /admin/objects/${key}`,
        () => ({ method: 'PUT', path: `/admin/objects/${key}`, headers: admin, body: '[]' }),
        404,
        /unknown module/,
      ],
      [
        `PATCH /admin/objects/${key}/...`,
        () => ({ method: 'PATCH', path: `/admin/objects/${key}/NL/ACM/X/`, headers: admin, body: '{}' }),
        404,
        /unknown module/,
      ],
      [
        `DELETE /admin/objects/${key}/...`,
        () => ({ method: 'DELETE', path: `/admin/objects/${key}/NL/ACM/X`, headers: admin }),
        404,
        /unknown module/,
      ],
      [
        `GET /admin/partners/x/objects/${key}`,
        () => ({ path: `/admin/partners/x/objects/${key}`, headers: admin }),
        404,
        /unknown module/,
      ],
      [
        `POST /admin/commands/${key}`,
        () => ({ method: 'POST', path: `/admin/commands/${key}`, headers: admin, body: '{}' }),
        200,
        /unknown command/,
      ],
    ],
  ),
  // A limit above the maximum is clamped, not refused (test/transport/pagination.test.ts).
  ...['offset=abc', 'limit=-5', 'offset=1e3', 'offset=1.5'].flatMap(
    (query): Array<[string, () => Req, number, RegExp]> => [
      [
        `admin paging ?${query}`,
        () => ({ path: `/admin/objects/locations?${query}`, headers: admin }),
        200,
        /(offset|limit): must be a non-negative integer/,
      ],
      [
        `admin paging of received objects ?${query}`,
        () => ({ path: `/admin/partners/x/objects/locations?${query}`, headers: admin }),
        200,
        /(offset|limit): must be a non-negative integer/,
      ],
    ],
  ),
  [
    'a PATCH body that is not an object',
    () => ({ method: 'PATCH', path: '/admin/objects/locations/NL/ACM/X/', headers: admin, body: '"text"' }),
    200,
    /must be an object/,
  ],
  ['bad percent-encoding in the path', () => ({ path: '/ocpi/%zz/versions' }), 400, /not a valid url/],
  [
    'bad percent-encoding in a parameter',
    () => ({ path: '/admin/objects/%E0%A4%A', headers: admin }),
    400,
    /not a valid url/,
  ],
  [
    'a URL longer than the headers may be',
    () => ({ path: `/ocpi/versions?${'a'.repeat(20_000)}` }),
    414,
    /URL too long/,
  ],
  [
    'a path parameter of 300 characters',
    () => ({ path: `/admin/objects/${'x'.repeat(300)}`, headers: admin }),
    414,
    /too long/,
  ],
  [
    'headers of 20 kB',
    () => ({ path: '/ocpi/versions', headers: { 'X-Big': 'b'.repeat(20_000) } }),
    431,
    /headers too large/,
  ],
  [
    'a malformed header line',
    () => ({ path: '/ocpi/versions', headers: { 'Bad Header': 'x' } }),
    400,
    /malformed request/,
  ],
  [
    'Content-Length with Transfer-Encoding',
    () => ({
      method: 'POST',
      path: credentialsPath,
      headers: { 'Transfer-Encoding': 'chunked', 'Content-Length': '3' },
      sent: '0\r\n\r\n',
    }),
    400,
    /malformed request/,
  ],
  ['an unknown method', () => ({ method: 'BREW', path: '/ocpi/versions' }), 400, /malformed request/],
  [
    'a path outside /ocpi and /admin',
    () => ({ path: '/nothing-here' }),
    404,
    /no endpoint GET \/nothing-here/,
  ],
  [
    'a body over 1 MiB',
    async () => ({
      method: 'POST',
      path: credentialsPath,
      headers: await tokenA(),
      body: JSON.stringify({ padding: 'x'.repeat(1024 * 1024) }),
    }),
    413,
    /too large/i,
  ],
  [
    'a body that stalls',
    async () => ({
      method: 'POST',
      path: credentialsPath,
      headers: { ...(await tokenA()), 'Content-Type': 'application/json', 'Content-Length': '100' },
      sent: '{"tok',
    }),
    408,
    /request took too long/,
  ],
];

describe('bad input at the transport level: an OCPI envelope with a 4xx, never a 5xx', () => {
  it.each(CASES)('%s', async (_name, build, status, message) => {
    const reply = await rawRequest(port, bytes(await build()));
    expect(reply.status).toBeLessThan(500);
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.json).toEqual({
      status_code: status === 200 ? 2001 : expect.any(Number),
      status_message: expect.stringMatching(message),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/),
    });
    const code = (reply.json as { status_code: number }).status_code;
    expect(code >= 2000 && code < 3000).toBe(true);
  });
});
