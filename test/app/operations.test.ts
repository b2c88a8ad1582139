import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.ts';
import { baseUrl, call, startNode } from '../support/nodes.ts';
import { location } from '../support/objects.ts';
import { startPair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';
import { deliverySettled } from '../support/wait-for.ts';

const ADMIN = 'operations-admin-token';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The value of the sample `name{…}` whose labels include all of `labels`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => (match[2] ?? '').includes(`${k}="${v}"`));
    if (has) return Number(match[3]);
  }
  return undefined;
}

describe('health and readiness without an admin listener: at the root of the OCPI server', () => {
  it('answers /health and /ready without a token, and serves no /metrics there', async () => {
    const node = await startNode({ adminToken: ADMIN });
    cleanups.push(() => node.close());
    const base = baseUrl(node);
    expect(await call(`${base}/health`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call(`${base}/ready`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    // Not on the public port, with or without the admin token.
    const metrics = await call(`${base}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(metrics.status).toBe(404);
    // Nor under /admin, whatever that answers (the admin API's own 401 or 404).
    const underAdmin = await call(`${base}/admin/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(underAdmin.status).not.toBe(200);
  });

  it('can be left out, for an app that has routes of these names', async () => {
    const node = await startNode({ operations: { healthRoutes: false } });
    cleanups.push(() => node.close());
    expect((await call(`${baseUrl(node)}/health`)).status).toBe(404);
  });
});

describe('with an admin listener: health, readiness and metrics there, and not on the OCPI server', () => {
  it('serves /health and /ready openly, /metrics behind the admin token, as Prometheus text', async () => {
    const node = await startNode({ adminToken: ADMIN, adminListener: { port: 0 } });
    cleanups.push(() => node.close());
    const admin = (node.ocpi.adminUrl() as string).replace(/\/admin$/, '');
    const base = baseUrl(node);
    expect(await call(`${admin}/health`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call(`${admin}/ready`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    for (const path of ['/health', '/ready', '/metrics'])
      expect((await call(`${base}${path}`)).status).toBe(404);

    expect((await fetch(`${admin}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${admin}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } }))
        .status,
    ).toBe(401);
    await call(`${base}/ocpi/versions`); // 401: no token; counted all the same
    const reply = await fetch(`${admin}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await reply.text();
    expect(
      sample(text, 'ocpi_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/ocpi/versions',
        status_code: '401',
      }),
    ).toBe(1);
    // The admin listener's own requests are timed too.
    expect(sample(text, 'ocpi_http_request_duration_seconds_count', { route: '/health' })).toBe(1);
    expect(sample(text, 'ocpi_store_query_duration_seconds_count', { kind: 'select' })).toBeGreaterThan(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toMatch(/^nodejs_heap_size_total_bytes \d+/m);
  });
});

describe('metrics of two nodes in one process', () => {
  it('count pushes, failures and the outbox per partner, each node its own, by route pattern not URL', async () => {
    const pair = await startPair('2.2.1');
    let emspOpen = true;
    cleanups.push(async () => {
      await pair.cpo.close();
      if (emspOpen) await pair.emsp.close();
    });
    await pair.cpo.ocpi.locations.put(location('LOC-METRICS', 1), '2.3.0');
    await deliverySettled(pair.cpo.ocpi.delivery);
    const cpoText = await pair.cpo.ocpi.metrics.text();
    const emspText = await pair.emsp.ocpi.metrics.text();
    expect(sample(cpoText, 'ocpi_deliveries_total', { partner: pair.emspAtCpo })).toBeGreaterThanOrEqual(1);
    expect(sample(emspText, 'ocpi_deliveries_total')).toBeUndefined();
    // The eMSP took the push on its receiver route: counted there by pattern, never by the object's id.
    const pushed = emspText
      .split('\n')
      .filter((l) => l.startsWith('ocpi_http_request_duration_seconds_count') && l.includes('method="PUT"'));
    expect(pushed.some((l) => l.includes('/locations/:'))).toBe(true);
    expect(emspText).not.toContain('LOC-METRICS');
    expect(cpoText.split('\n').some((l) => l.includes('method="PUT"') && l.includes('/locations/'))).toBe(
      false,
    );
    expect(sample(cpoText, 'ocpi_outbox_pending', { partner: pair.emspAtCpo })).toBeUndefined();

    // The eMSP goes away: the next push fails and waits in the outbox.
    await pair.emsp.close();
    emspOpen = false;
    const failed = once(pair.cpo.ocpi.delivery, 'failed');
    await pair.cpo.ocpi.locations.put(location('LOC-METRICS-2', 1), '2.3.0');
    await failed;
    const later = await pair.cpo.ocpi.metrics.text();
    expect(sample(later, 'ocpi_delivery_failures_total', { partner: pair.emspAtCpo })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(later, 'ocpi_outbox_pending', { partner: pair.emspAtCpo })).toBe(1);
    expect(
      sample(later, 'ocpi_outbox_oldest_age_seconds', { partner: pair.emspAtCpo }),
    ).toBeGreaterThanOrEqual(0);
    expect(sample(later, 'ocpi_dead_letters')).toBeUndefined();
  });

  it('give command and charging-profile outcomes as the store keeps them', async () => {
    const pair = await startPair('2.2.1');
    cleanups.push(() => pair.close());
    const node = pair.cpo;
    const row = (id: string, command: string, status: 'pending' | 'done', result: string | null) => ({
      id,
      direction: 'received' as const,
      partner_id: pair.emspAtCpo,
      version: '2.2.1' as const,
      command,
      request: '{}',
      response_url: `http://127.0.0.1:1/r/${id}`,
      status,
      result,
      deadline: new Date(),
    });
    await node.ocpi.store.db
      .insertInto('ocpi_commands')
      .values([
        row('c1', 'START_SESSION', 'done', 'ACCEPTED'),
        row('c2', 'START_SESSION', 'done', 'ACCEPTED'),
        row('c3', 'STOP_SESSION', 'done', 'REJECTED'),
        row('c4', 'SET_CHARGING_PROFILE', 'pending', null),
      ])
      .execute();
    const text = await node.ocpi.metrics.text();
    const of = (name: string, command: string, outcome: string) =>
      sample(text, name, { direction: 'received', command, outcome });
    expect(of('ocpi_command_results', 'START_SESSION', 'ACCEPTED')).toBe(2);
    expect(of('ocpi_command_results', 'STOP_SESSION', 'REJECTED')).toBe(1);
    expect(of('ocpi_command_results', 'SET_CHARGING_PROFILE', 'pending')).toBeUndefined();
    expect(of('ocpi_charging_profile_results', 'SET_CHARGING_PROFILE', 'pending')).toBe(1);
  });
});

describe.each(STORES)('readiness (%s)', (_name, storeOptions) => {
  let node: FastifyInstance;

  it('is 503 with the reason when a migration of this code is missing, and when the store does not answer', async () => {
    const store = await openStore(storeOptions());
    node = await startNode({ store });
    cleanups.push(() => node.close());
    const ready = `${baseUrl(node)}/ready`;
    expect((await call(ready)).status).toBe(200);

    const [last] = (
      await sql<{ name: string }>`select name from ocpi_schema_migrations order by name desc limit 1`.execute(
        store.db,
      )
    ).rows;
    await sql`delete from ocpi_schema_migrations where name = ${last?.name}`.execute(store.db);
    const missing = await call(ready);
    expect(missing).toMatchObject({ status: 503, body: { status: 'unavailable' } });
    expect(missing.body.reason).toBe(`migrations not applied: ${last?.name}`);

    // The store is the test's: closing it leaves the node running without one.
    await store.close();
    const gone = await call(ready);
    expect(gone.status).toBe(503);
    expect(String(gone.body.reason)).toMatch(/^store unreachable: /);
    // /health asks nothing of the store.
    expect((await call(`${baseUrl(node)}/health`)).status).toBe(200);
  });
});
