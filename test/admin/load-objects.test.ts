import { afterAll, describe, expect, it } from 'vitest';
import { firstObject } from '../modules/receiver-examples.ts';
import { baseUrl, call, startNode } from '../support/nodes.ts';
import { CPO_PARTY } from '../support/pair.ts';

const ADMIN = 'load-objects-admin-secret';
const nodes: Array<{ close(): Promise<unknown> }> = [];
afterAll(() => Promise.all(nodes.map((n) => n.close())));

/** PUT /admin/objects/{module}?version=: what `ocpi load` sends. */
async function load(parties: (typeof CPO_PARTY)[], module: string, version: string, body: unknown) {
  const node = await startNode({ parties, adminToken: ADMIN });
  nodes.push(node);
  const url = `${baseUrl(node)}/admin/objects/${module}`;
  const headers = { authorization: `Bearer ${ADMIN}` };
  const reply = await call(`${url}?version=${version}`, { method: 'PUT', body, headers });
  return { reply, listed: (await call(url, { headers })).body.data as { total: number; items: unknown[] } };
}

describe('loading our own objects through the admin API', () => {
  it('takes 2.1.1 objects, which name no owner, as objects of our party of the owner role', async () => {
    const tariff = firstObject('2.1.1', 'Tariff');
    const { reply, listed } = await load([CPO_PARTY], 'tariffs', '2.1.1', [tariff]);
    expect(reply.body).toMatchObject({ status_code: 1000, data: { loaded: 1 } });
    // Stored in the canonical (2.3.0) shape, which adds what 2.1.1 cannot say (tax_included).
    expect(listed.items).toEqual([
      expect.objectContaining({ ...tariff, country_code: 'NL', party_id: 'CPO' }),
    ]);
  });

  it('refuses 2.1.1 objects when the node has several parties that could own them, and loads nothing', async () => {
    const second = { ...CPO_PARTY, partyId: 'CP2' };
    const { reply, listed } = await load([CPO_PARTY, second], 'locations', '2.1.1', [
      firstObject('2.1.1', 'Location'),
    ]);
    expect(reply.body.status_code).toBe(2001);
    expect(reply.body.status_message).toMatch(
      /2\.1\.1 Locations name no owner, and this node has 2 CPO parties; give them in the 2\.2\.1 or 2\.3\.0 shape/,
    );
    expect(listed.total).toBe(0);
  });
});
