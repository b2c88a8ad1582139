import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, type Served, serve, servedPostgres, stopAllServed } from '../support/cli.ts';
import { expectInOrderToLast } from '../support/coalesced.ts';
import { type Passage, startGate } from '../support/gate.ts';
import { call, startNode } from '../support/nodes.ts';
import { EMSP_PARTY, eventually } from '../support/pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';
import { POSTGRES_ENV } from '../support/stores.ts';

/*
 * Two `ocpi serve` processes of one CPO on one PostgreSQL schema, behind the same eMSP: one of
 * them is killed with SIGKILL while both deliver. Every acknowledged write still reaches the
 * eMSP, in order per object, and the eMSP ends with the last version of each.
 */

const ADMIN = 'crash-instances-admin-token';
const LOCATION = exampleJson('2.2.1', 'location_example.json') as Record<string, unknown>;
const OBJECTS = 12;
const VERSIONS = 3;

/** Whether a pushed body is a Location of this name. */
function isNamed(body: unknown, name: string): boolean {
  return typeof body === 'object' && body !== null && 'name' in body && body.name === name;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(process.env[POSTGRES_ENV] === '0')('two CPO instances on one PostgreSQL schema', () => {
  it('loses no acknowledged push when one instance is killed mid-delivery', async () => {
    const store = await servedPostgres();
    const gate = await startGate();
    cleanups.push(() => gate.close(), stopAllServed);
    const emsp = await startNode({ parties: [EMSP_PARTY], publicUrl: gate.url });
    cleanups.push(() => emsp.close());
    gate.forwardTo(`http://127.0.0.1:${(emsp.server.address() as AddressInfo).port}`);

    const instance = async (): Promise<Served> => {
      const port = await freePort();
      return serve([
        ...store.args,
        ...['--port', String(port), '--public-url', `http://127.0.0.1:${port}`, '--admin-token', ADMIN],
        ...['--role', 'cpo', '--party', 'NL*CPO', '--versions', '2.2.1'],
      ]);
    };
    const a = await instance();
    const b = await instance();
    // Instances on one database keep one live bootstrap token: the one the last to start printed.
    const cpoAtEmsp = (await emsp.ocpi.registerWith(a.versionsUrl, b.bootstrapToken)).id;

    const isPush = (p: Pick<Passage, 'method' | 'path'>) =>
      p.method === 'PUT' && p.path.includes('/locations/NL/CPO/');
    // The eMSP is down while the writes are made: everything waits in the shared outbox.
    gate.block((method, path) => isPush({ method, path }), 503);
    const name = (object: number, version: number) => `Object ${object} version ${version}`;
    for (let version = 1; version <= VERSIONS; version++) {
      for (let object = 1; object <= OBJECTS; object++) {
        const via = (object + version) % 2 === 0 ? a : b;
        const loaded = await call(`${via.adminUrl}/objects/locations?version=2.2.1`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${ADMIN}` },
          body: {
            ...LOCATION,
            country_code: 'NL',
            party_id: 'CPO',
            id: `MULTI-${object}`,
            name: name(object, version),
            last_updated: `2015-06-29T20:${String(10 + version).padStart(2, '0')}:00Z`,
          },
        });
        expect(loaded.body.data).toEqual({ loaded: 1 });
      }
    }
    await eventually(async () => gate.refused.filter(isPush).length >= 2 || undefined, 20_000);

    // The eMSP comes back; a killed instance leaves deliveries half done.
    gate.open();
    await eventually(async () => gate.passed.filter(isPush).length >= 4 || undefined, 30_000);
    await a.kill('SIGKILL');

    const last = (object: number) => name(object, VERSIONS);
    await eventually(async () => {
      for (let object = 1; object <= OBJECTS; object++) {
        const received = await emsp.ocpi.locations.received(cpoAtEmsp, {
          countryCode: 'NL',
          partyId: 'CPO',
          id: `MULTI-${object}`,
        });
        if (received?.name !== last(object)) return undefined;
        // The gate records a push once the eMSP's answer is back, just after the eMSP stored it.
        const recorded = gate.passed.some(
          (p) => isPush(p) && p.path.endsWith(`/MULTI-${object}`) && isNamed(p.body, last(object)),
        );
        if (!recorded) return undefined;
      }
      return true;
    }, 40_000); // within the killed instance's 60 s lease: the survivor takes its rows over

    for (let object = 1; object <= OBJECTS; object++) {
      const names = gate.passed
        .filter((p) => isPush(p) && p.path.endsWith(`/MULTI-${object}`))
        .map((p) => (p.body as { name: string }).name);
      // In order to the last version (superseded ones may be skipped); a push on the wire at
      // the kill may arrive twice, never out of order.
      const versions = Array.from({ length: VERSIONS }, (_, i) => name(object, i + 1));
      expectInOrderToLast(names, versions, `MULTI-${object}`);
    }
    await b.kill();
  }, 180_000);
});
