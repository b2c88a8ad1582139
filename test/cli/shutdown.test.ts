import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, ocpi, type Served, serve, servedPglite, stopAllServed } from '../support/cli.ts';
import { type Gate, type Passage, startGate } from '../support/gate.ts';
import { call, startNode } from '../support/nodes.ts';
import { EMSP_PARTY, eventually } from '../support/pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';

/* `ocpi serve` told to stop (SIGTERM): in-flight work finishes within a bound, nothing is lost or sent twice. */

const ADMIN = 'shutdown-test-admin-token';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const LOCATION = {
  ...(exampleJson('2.2.1', 'location_example.json') as Record<string, unknown>),
  country_code: 'NL',
  party_id: 'CPO',
  id: 'STOP-1',
};
const isPush = (p: Pick<Passage, 'method' | 'path'>) =>
  p.method === 'PUT' && p.path.endsWith('/locations/NL/CPO/STOP-1');

/**
 * A CPO as an `ocpi serve` process on a PGlite directory and a port it keeps across
 * restarts, and an eMSP in this process behind a gate, registered with it.
 */
async function setUp(extra: string[]): Promise<{ start(): Promise<Served>; gate: Gate; first: Served }> {
  const store = await servedPglite();
  cleanups.push(() => store.remove());
  const port = await freePort();
  const args = [
    ...store.args,
    ...['--port', String(port), '--public-url', `http://127.0.0.1:${port}`, '--admin-token', ADMIN],
    ...['--role', 'cpo', '--party', 'NL*CPO', '--versions', '2.2.1', '--log-level', 'info', ...extra],
  ];
  cleanups.push(stopAllServed);
  const gate = await startGate();
  cleanups.push(() => gate.close());
  const emsp = await startNode({ parties: [EMSP_PARTY], publicUrl: gate.url });
  cleanups.push(() => emsp.close());
  gate.forwardTo(`http://127.0.0.1:${(emsp.server.address() as AddressInfo).port}`);
  const first = await serve(args);
  await emsp.ocpi.registerWith(first.versionsUrl, first.bootstrapToken);
  return { start: () => serve(args), gate, first };
}

/** Loads the location through the admin API: the CPO pushes it to the eMSP. */
async function load(cpo: Served): Promise<void> {
  const file = join(tmpdir(), `ocpi-shutdown-${process.pid}-${Date.now()}.json`);
  await writeFile(file, JSON.stringify([LOCATION]));
  cleanups.push(() => rm(file, { force: true }));
  await ocpi('load', '--node', cpo.adminUrl, '--admin-token', ADMIN, '--version', '2.2.1', 'locations', file);
}

/** Whether the process's outbox is empty, as its admin API says. */
async function drained(cpo: Served): Promise<void> {
  await eventually(async () => {
    const reply = await call(`${cpo.adminUrl}/outbox`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return (reply.body.data as { entries: unknown[] }).entries.length === 0 || undefined;
  }, 20_000);
}

function refused(url: string): Promise<true> {
  return eventually(
    () =>
      fetch(url).then(
        () => undefined,
        () => true as const,
      ),
    10_000,
  );
}

describe('ocpi serve on SIGTERM', () => {
  it('stops accepting, finishes the delivery in flight (a slow partner), exits 0; the push is neither lost nor sent again', async () => {
    const { start, gate, first } = await setUp([]);
    gate.block((method, path) => isPush({ method, path }), 'hold');
    await load(first);
    await eventually(async () => gate.holding.some(isPush) || undefined, 15_000);

    const exited = once(first.child, 'exit');
    first.child.kill('SIGTERM');
    await eventually(async () => /shutting down/.test(first.output()) || undefined, 10_000);
    // No new connections, while the delivery is still in flight and the process still runs.
    await refused(first.versionsUrl);
    expect(first.child.exitCode).toBeNull();

    gate.release();
    const [code] = await exited;
    expect(code).toBe(0);
    expect(gate.passed.filter(isPush)).toMatchObject([{ status: 200 }]);

    // Started again on the same store: nothing of it is left to send.
    const again = await start();
    await drained(again);
    expect(gate.passed.filter(isPush)).toHaveLength(1);
  }, 120_000);

  it('gives up on a partner that never answers after --shutdown-timeout, exits 0, and the push goes after the restart', async () => {
    const { start, gate, first } = await setUp(['--shutdown-timeout', '1']);
    gate.block((method, path) => isPush({ method, path }), 'hang');
    await load(first);
    await eventually(async () => gate.refused.some(isPush) || undefined, 15_000);

    const exited = once(first.child, 'exit');
    first.child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(first.output()).toMatch(/delivery worker stopped with deliveries in flight/);

    gate.open();
    const again = await start();
    await eventually(async () => gate.passed.some(isPush) || undefined, 20_000);
    await drained(again);
    expect(gate.passed.filter(isPush)).toHaveLength(1);
  }, 120_000);

  it.each([
    ['--shutdown-timeout', 'soon'],
    ['--shutdown-timeout', '-1'],
    ['--slow-request', '1.5'],
  ])('refuses %s %s: exits 1 and says why', async (option, value) => {
    const args = [`${option}=${value}`, '--data', 'memory', '--host', '127.0.0.1', '--port', '0'];
    await expect(ocpi('serve', ...args)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`${option} ${value}: expected a whole number`),
    });
  });
});
