import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/store/schema.ts';

export const CONSOLE_TOKEN = 'console-admin-token-0123456789';

/** A stand-in for the built page, for tests of the server side only (no tsc run). */
export function fakeAssets(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ocpi-console-assets-'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>console</title><script type="module" src="/console/js/main.js"></script>',
  );
  writeFileSync(join(dir, 'console.css'), 'body { margin: 0; }');
  return dir;
}

/** A signed-in console, as a browser holds it: the cookie and the session's CSRF token. */
export interface ConsoleLogin {
  origin: string;
  cookie: string;
  csrfToken: string;
  setCookie: string;
}

/** Signs in at `origin` (e.g. http://127.0.0.1:1234) as the page does. */
export async function signIn(origin: string, token = CONSOLE_TOKEN): Promise<ConsoleLogin> {
  const res = await fetch(`${origin}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ token }),
  });
  const body = (await res.json()) as { data?: { csrfToken: string } };
  const setCookie = res.headers.get('set-cookie') ?? '';
  if (res.status !== 200 || !body.data)
    throw new Error(`sign-in: HTTP ${res.status} ${JSON.stringify(body)}`);
  return { origin, cookie: setCookie.split(';')[0] ?? '', csrfToken: body.data.csrfToken, setCookie };
}

/** A request of the signed-in page: its cookie, and on changes its CSRF token and Origin. */
export async function asConsole(
  login: ConsoleLogin,
  path: string,
  init: { method?: string; body?: unknown; csrf?: boolean; origin?: string } = {},
): Promise<{ status: number; body: { status_code?: number; status_message?: string; data?: unknown } }> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { cookie: login.cookie };
  if (method !== 'GET') {
    headers.origin = init.origin ?? login.origin;
    if (init.csrf !== false) headers['x-csrf-token'] = login.csrfToken;
  }
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${login.origin}${path}`, {
    method,
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/**
 * `count` messages waiting for `partnerId`, not due for a day (the worker leaves them be):
 * a long outbox, written in one statement.
 */
export async function fillOutbox(db: Kysely<Database>, partnerId: string, count: number): Promise<void> {
  await sql`
    insert into ocpi_outbox (partner_id, ordering_key, kind, method, url, is_head, next_attempt_at)
    select ${partnerId}, 'key-' || g, 'push', 'PUT', 'http://127.0.0.1:9/ocpi/2.2.1/locations/NL/ACM/LOC1', true,
      ${new Date(Date.now() + 86_400_000)}::timestamptz
    from generate_series(1, ${count}::integer) g`.execute(db);
}

/** Ids of the dead letters tests make: far above what the outbox's own sequence reaches in a test. */
let deadLetterIds = 1_000_000_000;

/** A dead letter for `partnerId`: a PUT of a Location to `url` that was given up on. */
export async function addDeadLetter(
  db: Kysely<Database>,
  partnerId: string,
  url: string,
  body: unknown,
  reason = 'connect ECONNREFUSED 127.0.0.1:9',
): Promise<string> {
  const row = await db
    .insertInto('ocpi_outbox_dead')
    .values({
      id: String(deadLetterIds++),
      partner_id: partnerId,
      ordering_key: `locations:${url}`,
      kind: 'push',
      method: 'PUT',
      url,
      headers: null,
      body: JSON.stringify(body),
      created_at: new Date(Date.now() - 2 * 86_400_000),
      attempts: 12,
      first_failed_at: new Date(Date.now() - 86_400_000),
      last_error: reason,
      dead_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}
