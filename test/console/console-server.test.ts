import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDeadLetter,
  asConsole,
  CONSOLE_TOKEN,
  type ConsoleLogin,
  fakeAssets,
  fillOutbox,
  signIn,
} from '../support/console.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { call, startNode } from '../support/nodes.ts';
import { location } from '../support/objects.ts';
import { STORES } from '../support/stores.ts';

const bearer = { authorization: `Bearer ${CONSOLE_TOKEN}` };

/** The console's origin: the admin listener's scheme, host and port. */
const originOf = (node: FastifyInstance) => (node.ocpi.adminUrl() ?? '').replace(/\/admin$/, '');

/** Reads a Server-Sent Events stream until `until` holds of what came, or it ends. */
async function readEvents(
  response: Response,
  until: (text: string) => boolean,
): Promise<{ text: string; ended: boolean }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text, ended: true };
    text += decoder.decode(value, { stream: true });
    if (until(text)) {
      await reader.cancel();
      return { text, ended: false };
    }
  }
}

describe.each(STORES)('the console on the admin listener (%s)', (_name, store) => {
  let node: FastifyInstance;
  let origin: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    node = await startNode({
      store: store(),
      adminToken: CONSOLE_TOKEN,
      adminListener: { port: 0 },
      console: { assetsDir: fakeAssets() },
      logger: { level: 'info', stream },
    });
    origin = originOf(node);
  }, 120_000);
  afterAll(() => node?.close());

  it('serves the page with a strict Content-Security-Policy, beside the admin API', async () => {
    expect(node.ocpi.consoleUrl()).toBe(`${origin}/console`);
    const page = await fetch(`${origin}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await fetch(`${origin}/console/console.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    // Only the built files, by exact name: nothing else of the disk.
    for (const path of ['/console/../package.json', '/console/%2e%2e/package.json', '/console/nope.js'])
      expect((await fetch(`${origin}${path}`)).status).toBe(404);
    // Not on the OCPI listener, which partners reach.
    expect((await fetch(`${node.ocpi.versionsUrl().replace(/\/ocpi\/versions$/, '')}/console`)).status).toBe(
      404,
    );
  });

  it('refuses a wrong token, a sign-in from another origin, and shows no data without a session', async () => {
    const wrong = await fetch(`${origin}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ token: 'not-the-admin-token-at-all' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const elsewhere = await fetch(`${origin}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ token: CONSOLE_TOKEN }),
    });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.headers.get('set-cookie')).toBeNull();
    const empty = await fetch(`${origin}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({}),
    });
    expect(((await empty.json()) as { status_code: number }).status_code).toBe(2001);
    for (const path of [
      '/console/api/overview',
      '/console/api/outbox',
      '/console/api/events',
      '/admin/partners',
    ]) {
      const cookie = `ocpi_console_${new URL(origin).port}=made-up-session`;
      const res = await fetch(`${origin}${path}`, { headers: { cookie } });
      expect(res.status, path).toBe(401);
    }
  });

  it('signs in to an HttpOnly, SameSite=Strict cookie that opens the admin API to the page', async () => {
    const login = await signIn(origin);
    expect(login.setCookie).toMatch(
      /^ocpi_console_\d+=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    expect(login.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const session = await asConsole(login, '/console/api/session');
    expect(session.body.data).toMatchObject({ csrfToken: login.csrfToken, idleMinutes: 30 });
    expect((await asConsole(login, '/admin/partners')).body).toMatchObject({ status_code: 1000, data: [] });
    // Reads never carry the token in a URL, and the token is never in the logs.
    const id = login.cookie.split('=')[1] ?? '';
    expect(logLines.join('')).not.toContain(id);
    expect(logLines.join('')).not.toContain(CONSOLE_TOKEN);
    expect(logLines.join('')).toContain('console signed in');
  });

  it('asks changes for the CSRF token and the own Origin', async () => {
    const login = await signIn(origin);
    const create = { method: 'POST', body: { label: 'csrf' } };
    const noToken = await asConsole(login, '/admin/registration-tokens', { ...create, csrf: false });
    expect(noToken.status).toBe(403);
    expect(noToken.body.status_message).toMatch(/CSRF/);
    const otherSite = await asConsole(login, '/admin/registration-tokens', {
      ...create,
      origin: 'http://evil.example',
    });
    expect(otherSite.status).toBe(403);
    const wrongToken = await asConsole(login, '/admin/registration-tokens', {
      ...create,
      csrf: false,
      origin,
    });
    expect(wrongToken.status).toBe(403);
    const ok = await asConsole(login, '/admin/registration-tokens', create);
    expect(ok.body).toMatchObject({ status_code: 1000, data: { token: expect.any(String) } });
    // The bearer token works as it always did, without cookie or CSRF.
    expect((await call(`${origin}/admin/partners`, { headers: bearer })).status).toBe(200);
  });

  it('signs out on the server: the cookie opens nothing any more, and the live stream ends', async () => {
    const login = await signIn(origin);
    const events = await fetch(`${origin}/console/api/events`, { headers: { cookie: login.cookie } });
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reading = readEvents(events, (text) => text.includes('event: signed-out'));
    const out = await asConsole(login, '/console/api/session', { method: 'DELETE' });
    expect(out.status).toBe(200);
    const { text } = await reading;
    expect(text).toMatch(/^event: outbox\ndata: \{"at":/);
    expect(text).toContain('event: signed-out');
    expect((await asConsole(login, '/admin/partners')).status).toBe(401);
    expect((await asConsole(login, '/console/api/overview')).status).toBe(401);
  });

  it('counts what the node holds on the overview', async () => {
    const login = await signIn(origin);
    const place = location('LOC1', 3);
    const evses = place.evses as Array<Record<string, unknown>>;
    for (const [i, status] of ['AVAILABLE', 'CHARGING', 'AVAILABLE'].entries())
      evses[i] = { ...evses[i], status };
    const loaded = await call(`${origin}/admin/objects/locations`, {
      method: 'PUT',
      headers: bearer,
      body: { ...place, country_code: 'NL', party_id: 'ACM' },
    });
    expect(loaded.body).toMatchObject({ status_code: 1000, data: { loaded: 1 } });
    const overview = await asConsole(login, '/console/api/overview');
    expect(overview.body.data).toMatchObject({
      node: {
        versions: ['2.1.1', '2.2.1', '2.3.0'],
        parties: [{ countryCode: 'NL', partyId: 'ACM', role: 'CPO' }],
      },
      readiness: { ready: true },
      counts: { locations: 1, evses: { AVAILABLE: 2, CHARGING: 1 }, liveSessions: 0, outboxPending: 0 },
    });
  });

  it('pages a long outbox (100,000 rows) on the node: a page is 50 rows, the totals are right', async () => {
    const login = await signIn(origin);
    const partner = await node.ocpi.store.db
      .insertInto('ocpi_partners')
      .values({
        id: 'LONG',
        status: 'registered',
        version: '2.2.1',
        versions_url: 'http://127.0.0.1:9/ocpi/versions',
        outbound_token: 'long-outbox-token',
        token_encoding: 'base64',
        roles: '[]',
        endpoints: '[]',
        hub_party_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await fillOutbox(node.ocpi.store.db, partner.id, 100_000);
    const dead = await addDeadLetter(node.ocpi.store.db, partner.id, 'http://127.0.0.1:9/x', { id: 'X' });
    const last = await asConsole(login, '/admin/outbox?offset=99950&limit=50&partner=LONG');
    expect(last.body.data).toMatchObject({ pending: 100_000, deadLetters: 1 });
    expect((last.body.data as { entries: unknown[] }).entries).toHaveLength(50);
    expect((await asConsole(login, '/admin/outbox?limit=5000')).body.status_code).toBe(1000);
    expect(
      ((await asConsole(login, '/admin/outbox?limit=5000')).body.data as { entries: unknown[] }).entries,
    ).toHaveLength(1000);
    expect((await asConsole(login, '/admin/outbox?offset=-1')).body.status_code).toBe(2001);
    const depth = await asConsole(login, '/console/api/outbox');
    expect(depth.body.data).toMatchObject({
      pending: 100_000,
      deadLetters: 1,
      partners: [{ partnerId: 'LONG', pending: 100_000, deadLetters: 1 }],
      history: expect.arrayContaining([expect.objectContaining({ pending: 100_000 })]),
    });
    const letters = await asConsole(login, '/admin/dead-letters?limit=10&partner=LONG');
    expect(letters.body.data).toMatchObject([{ id: dead, lastError: 'connect ECONNREFUSED 127.0.0.1:9' }]);
  }, 60_000);
});

describe('console sessions expire', () => {
  let node: FastifyInstance;
  let origin: string;
  const clock = new ManualClock();

  beforeAll(async () => {
    node = await startNode({
      clock,
      adminToken: CONSOLE_TOKEN,
      adminListener: { port: 0 },
      console: { assetsDir: fakeAssets(), idleMinutes: 10, maxHours: 1 },
    });
    origin = originOf(node);
  }, 120_000);
  afterAll(() => node?.close());

  const works = async (login: ConsoleLogin) =>
    (await asConsole(login, '/console/api/session')).status === 200;

  it('after the idle time without a request', async () => {
    const login = await signIn(origin);
    await clock.advance(9 * 60_000);
    expect(await works(login)).toBe(true);
    await clock.advance(9 * 60_000); // 9 minutes since the last request: still live
    expect(await works(login)).toBe(true);
    await clock.advance(10 * 60_000);
    expect(await works(login)).toBe(false);
    expect((await asConsole(login, '/admin/partners')).status).toBe(401);
  });

  it('refuses sign-ins for a minute after ten wrong tokens from one address', async () => {
    const attempt = (token: string) =>
      fetch(`${origin}/console/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ token }),
      });
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong-token-number-${i}`)).status).toBe(401);
    const locked = await attempt(CONSOLE_TOKEN);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('set-cookie')).toBeNull();
    await clock.advance(61_000);
    expect((await attempt(CONSOLE_TOKEN)).status).toBe(200);
  });

  it('after the absolute time however busy, and its live stream says so', async () => {
    const login = await signIn(origin);
    for (let minutes = 0; minutes < 55; minutes += 5) {
      await clock.advance(5 * 60_000);
      expect(await works(login)).toBe(true);
    }
    const events = await fetch(`${origin}/console/api/events`, { headers: { cookie: login.cookie } });
    const reading = readEvents(events, (text) => text.includes('event: signed-out'));
    await clock.advance(5 * 60_000);
    const { text } = await reading;
    expect(text).toContain('event: signed-out');
    expect(await works(login)).toBe(false);
  });
});

describe('the console without an admin listener', () => {
  it('is served where the admin API is: under the OCPI server', async () => {
    const node = await startNode({ adminToken: CONSOLE_TOKEN, console: { assetsDir: fakeAssets() } });
    try {
      const base = node.ocpi.versionsUrl().replace(/\/ocpi\/versions$/, '');
      expect(node.ocpi.consoleUrl()).toBe(`${base}/console`);
      expect((await fetch(`${base}/console`)).status).toBe(200);
      const login = await signIn(base);
      expect((await asConsole(login, '/admin/partners')).status).toBe(200);
    } finally {
      await node.close();
    }
  });

  it('keeps a session per node when two nodes share a host (cookies ignore ports)', async () => {
    const [a, b] = await Promise.all([
      startNode({
        adminToken: CONSOLE_TOKEN,
        adminListener: { port: 0 },
        console: { assetsDir: fakeAssets() },
      }),
      startNode({
        adminToken: CONSOLE_TOKEN,
        adminListener: { port: 0 },
        console: { assetsDir: fakeAssets() },
      }),
    ]);
    try {
      const [loginA, loginB] = await Promise.all([signIn(originOf(a)), signIn(originOf(b))]);
      expect(loginA.cookie.split('=')[0]).not.toBe(loginB.cookie.split('=')[0]);
      expect((await asConsole(loginA, '/admin/partners')).status).toBe(200);
      expect((await asConsole(loginB, '/admin/partners')).status).toBe(200);
      // A's session, sent to B under B's name, opens nothing there.
      const stolen = { ...loginB, cookie: `${loginB.cookie.split('=')[0]}=${loginA.cookie.split('=')[1]}` };
      expect((await asConsole(stolen, '/admin/partners')).status).toBe(401);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('is not served without an admin token, nor when turned off', async () => {
    const none = await startNode({});
    const off = await startNode({ adminToken: CONSOLE_TOKEN, console: { enabled: false } });
    try {
      expect(none.ocpi.consoleUrl()).toBeUndefined();
      expect(off.ocpi.consoleUrl()).toBeUndefined();
      for (const app of [none, off]) {
        const base = app.ocpi.versionsUrl().replace(/\/ocpi\/versions$/, '');
        expect((await fetch(`${base}/console`)).status).toBe(404);
      }
    } finally {
      await Promise.all([none.close(), off.close()]);
    }
  });

  it('says the page is not built when it is not', async () => {
    const node = await startNode({
      adminToken: CONSOLE_TOKEN,
      console: { assetsDir: '/nonexistent/console-ui' },
    });
    try {
      const res = await fetch(`${node.ocpi.consoleUrl()}`);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/npm run build/);
    } finally {
      await node.close();
    }
  });
});
