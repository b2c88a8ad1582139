import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.ts';
import { type Served, serve, stopAllServed } from '../support/cli.ts';
import { exampleJson } from '../support/spec-fixtures.ts';

/*
 * `ocpi serve` on the embedded database runs lean (issue 15): a 16 MB buffer pool, WebAssembly
 * kept on V8's baseline compiler. With those, it still takes a store larger than its buffer
 * pool and answers a page of all of it. (Its first start in a new directory, whose database a
 * child process makes, is serve.test.ts's; here the directory is made as the CLI makes it,
 * beforehand, so that a loaded machine's slow first start does not run into serve()'s timeout.)
 */

afterAll(stopAllServed);

const LOCATIONS = 1000;
const EVSES = 20;
/** Locations per admin call: under the 1 MB body limit. */
const BATCH = 20;

/**
 * The spec's example Location as NL*ACM's, with EVSES EVSEs, each with directions of random
 * text (which postgres cannot compress): about 33 kB of JSON, 24 kB stored.
 */
function bigLocation(n: number): Record<string, unknown> {
  const example = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
  const [evse] = example.evses as Array<Record<string, unknown>>;
  return {
    ...example,
    country_code: 'NL',
    party_id: 'ACM',
    id: `BIG${String(n).padStart(4, '0')}`,
    evses: Array.from({ length: EVSES }, (_, e) => ({
      ...evse,
      uid: `${n}-${e}`,
      evse_id: `NL*ACM*E${String(n * EVSES + e).padStart(8, '0')}`,
      directions: ['en', 'nl'].map((language) => ({ language, text: randomBytes(375).toString('base64') })),
    })),
  };
}

interface Page {
  data: { items: Array<{ id: string; evses: Array<{ uid: string }> }>; total: number };
}

async function admin(node: Served, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${node.adminUrl}${path}`, {
    method: body === undefined ? 'GET' : 'PUT',
    headers: {
      authorization: `Bearer ${node.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status).toBe(200);
  return res;
}

describe('ocpi serve on PGlite, lean settings', () => {
  it('keeps 24 MB of Locations (its buffer pool: 16 MB) and sends them in one page of 33 MB, before and after a restart', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'ocpi-lean-'));
    const dataDir = join(parent, 'data');
    const args = ['--data', dataDir];
    try {
      await (await openStore({ kind: 'pglite', dataDir, createInChildProcess: true })).close();
      const first = await serve(args);
      for (let n = 0; n < LOCATIONS; n += BATCH)
        await admin(
          first,
          '/objects/locations',
          Array.from({ length: BATCH }, (_, i) => bigLocation(n + i)),
        );
      const expectAll = async (node: Served) => {
        const res = await admin(node, `/objects/locations?limit=${LOCATIONS}`);
        const text = await res.text();
        expect(text.length).toBeGreaterThan(30_000_000);
        const page = JSON.parse(text) as Page;
        expect(page.data.total).toBe(LOCATIONS);
        expect(page.data.items.map((l) => l.id).sort()).toEqual(
          Array.from({ length: LOCATIONS }, (_, n) => bigLocation(n).id),
        );
        for (const location of page.data.items) expect(location.evses).toHaveLength(EVSES);
      };
      await expectAll(first);
      await first.kill();
      const again = await serve(args);
      expect(again.output()).not.toMatch(/Creating the embedded database/);
      await expectAll(again);
      await again.kill();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }, 600_000);
});
