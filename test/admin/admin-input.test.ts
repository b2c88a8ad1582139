import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, call, startNode } from '../support/nodes.ts';

const ADMIN = 'admin-input-admin-secret';
const headers = { authorization: `Bearer ${ADMIN}` };

let node: FastifyInstance;
beforeAll(async () => {
  node = await startNode({ adminToken: ADMIN });
}, 120_000);
afterAll(() => node?.close());

const admin = (path: string, init: { method?: string; body?: unknown; rawBody?: string } = {}) =>
  call(`${baseUrl(node)}/admin${path}`, { ...init, headers });

describe('admin bodies are read by the route schemas: OCPI 2001 with HTTP 200 naming the field', () => {
  it.each([
    [
      'a registration without its token',
      '/partners',
      { versionsUrl: 'http://127.0.0.1:1/versions' },
      /^invalid body token: is required$/,
    ],
    ['a registration token too short', '/registration-tokens', { token: 'short' }, /^invalid body token: /],
    [
      'a command follow that is no number',
      '/commands/stop-session',
      { partner: 'NL*CPO', follow: '10' },
      /^invalid body follow: /,
    ],
    [
      'a command request that is no object',
      '/commands/stop-session',
      { partner: 'NL*CPO', request: [] },
      /^invalid body request: /,
    ],
  ])('%s', async (_what, path, body, message) => {
    const reply = await admin(path, { method: 'POST', body });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status_code: 2001, status_message: expect.stringMatching(message) });
  });

  it('says what a body of the wrong shape altogether must be', async () => {
    const load = await admin('/objects/locations', { method: 'PUT', body: 'text' });
    expect(load.body).toMatchObject({
      status_code: 2001,
      status_message: 'invalid body /: must be an object or an array of objects',
    });
    const patch = await admin('/objects/locations/NL/CPO/X/', { method: 'PATCH', body: [1] });
    expect(patch.body.status_message).toBe('invalid body /: must be an object of the fields to change');
  });

  it('lets unknown fields through, and takes an absent body as an empty one', async () => {
    const created = await admin('/registration-tokens', {
      method: 'POST',
      body: { label: 'ops', note: 'x' },
    });
    expect(created.body).toMatchObject({ status_code: 1000, data: { token: expect.any(String) } });
    const bare = await admin('/registration-tokens', { method: 'POST' });
    expect(bare.body).toMatchObject({ status_code: 1000, data: { token: expect.any(String) } });
  });

  it('checks the command name before asking for a partner', async () => {
    expect((await admin('/commands/fly', { method: 'POST', body: {} })).body.status_message).toBe(
      'unknown command fly',
    );
    expect((await admin('/commands/stop-session', { method: 'POST', body: {} })).body.status_message).toBe(
      'partner: is required',
    );
    expect(
      (await admin('/commands/stop-session', { method: 'POST', body: { partner: 'XX*NOP', follow: null } }))
        .body.status_message,
    ).toBe('partner: no registered partner XX*NOP');
  });
});

describe('admin querystrings are read by the route schemas, without coercion', () => {
  it.each([
    ['GET', '/objects/locations?limit=ten', /^invalid query parameter limit: must be a non-negative integer/],
    ['PUT', '/objects/locations?version=9.9', /^version: unsupported 9\.9$/],
    [
      'POST',
      '/partners/x/sync/locations?date_from=yesterday',
      /^invalid query parameter date_from: must be a DateTime/,
    ],
  ])('%s %s', async (method, path, message) => {
    const reply = await admin(path, { method, ...(method === 'PUT' ? { body: [] } : {}) });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status_code: 2001, status_message: expect.stringMatching(message) });
  });

  it('answers pages of the size asked', async () => {
    const reply = await admin('/objects/locations?offset=0&limit=5');
    expect(reply.body).toMatchObject({ status_code: 1000, data: { total: 0, items: [] } });
  });
});
