import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocpi } from '../support/cli.ts';
import { baseUrl, call } from '../support/nodes.ts';
import { simulator, startOcppPair } from '../support/ocpp.ts';
import { eventually, type Pair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const ADMIN_TOKEN = 'cpo-admin-token-0123456789';

describe.each(STORES)('chargers through the admin API and the CLI, on %s', (_name, store) => {
  let pair: Pair;
  let admin: string;
  const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
  beforeAll(async () => {
    pair = await startOcppPair(store);
    admin = `${baseUrl(pair.cpo)}/admin`;
  });
  afterAll(() => pair.close());

  it('adds, lists and removes a charger over the admin API; bad input is 2001 naming the field', async () => {
    const added = await call(`${admin}/chargers`, {
      method: 'POST',
      headers: bearer,
      body: { id: 'CP-API', locationId: 'LOC1', evses: { '1': 'E2' } },
    });
    expect(added.body.status_code).toBe(1000);
    const data = added.body.data as { charger: { id: string; online: boolean }; password: string };
    expect(data.charger).toMatchObject({ id: 'CP-API', online: false, evses: { '1': 'E2' } });
    expect(data.password).toMatch(/^[0-9a-f]{32}$/);

    // The mapped connector 1 is EVSE E2; the password given back is the one that works.
    const sim = simulator(pair.cpo, { id: 'CP-API', password: data.password, connectors: 1 });
    await sim.start();
    await sim.status(1, 'Reserved');
    await eventually(async () => {
      const l = await pair.cpo.ocpi.locations.get('LOC1');
      return l?.evses?.find((e) => e.uid === 'E2')?.status === 'RESERVED' ? true : undefined;
    });
    const listed = await call(`${admin}/chargers`, { headers: bearer });
    expect(listed.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'CP-API', online: true, ocppVersion: '1.6' })]),
    );

    const bad = async (body: unknown) =>
      (await call(`${admin}/chargers`, { method: 'POST', headers: bearer, body })).body;
    expect(await bad({ id: 'CP-API', locationId: 'LOC1' })).toMatchObject({
      status_code: 2001,
      status_message: expect.stringMatching(/^id: .*exists/),
    });
    expect(await bad({ id: 'CP:1', locationId: 'LOC1' })).toMatchObject({ status_code: 2001 });
    expect(await bad({ id: 'CP-X', locationId: 'LOC1', password: 'short' })).toMatchObject({
      status_code: 2001,
      status_message: expect.stringMatching(/^password/),
    });
    expect(await bad({ id: 'CP-X', locationId: 'NOPE' })).toMatchObject({ status_code: 2003 });
    expect(await bad({ id: 'CP-X', locationId: 'LOC1', evses: { '1': 'E9' } })).toMatchObject({
      status_code: 2001,
      status_message: expect.stringMatching(/^evses: E9/),
    });
    expect(await bad({ locationId: 'LOC1' })).toMatchObject({ status_code: 2001 });
    expect((await pair.cpo.ocpi.chargers.get('CP-X')) ?? null).toBeNull();

    // Removing a connected charger closes its connection; its EVSE becomes UNKNOWN.
    const closed = once(sim, 'close');
    const removed = await call(`${admin}/chargers/CP-API`, { method: 'DELETE', headers: bearer });
    expect(removed.body).toMatchObject({ status_code: 1000, data: { id: 'CP-API', removed: true } });
    await closed;
    const l = await pair.cpo.ocpi.locations.get('LOC1');
    expect(l?.evses?.find((e) => e.uid === 'E2')?.status).toBe('UNKNOWN');
    const again = await call(`${admin}/chargers/CP-API`, { method: 'DELETE', headers: bearer });
    expect(again.status).toBe(404);
    expect(again.body.status_code).toBe(2001);
    expect((await call(`${admin}/chargers`, { headers: {} })).status).toBe(401);
  });

  it('ocpi chargers add, ocpi chargers and ocpi chargers remove', async () => {
    const node = ['--node', admin, '--admin-token', ADMIN_TOKEN];
    const added = await ocpi(
      'chargers',
      'add',
      'CP-CLI',
      '--location',
      'LOC1',
      '--evse',
      '1=E1',
      '--evse',
      '2=E2',
      ...node,
    );
    expect(added).toMatch(/^added: CP-CLI\s+offline\s+-\s+LOC1 \(1=E1,2=E2\)/);
    expect(added).toMatch(/password: [0-9a-f]{32}/);
    const withPassword = await ocpi(
      'chargers',
      'add',
      'CP-CLI2',
      '--location',
      'LOC1',
      '--password',
      'sixteen-chars-long!',
      ...node,
    );
    expect(withPassword).toMatch(/password: sixteen-chars-long!/);
    const list = await ocpi('chargers', ...node);
    expect(list).toMatch(/CP-CLI\s+offline/);
    expect(list).toMatch(/CP-CLI2\s+offline/);
    expect(await ocpi('chargers', 'remove', 'CP-CLI', ...node)).toMatch(/removed CP-CLI/);
    expect(await ocpi('chargers', 'remove', 'CP-CLI2', ...node)).toMatch(/removed CP-CLI2/);
    await expect(ocpi('chargers', 'remove', 'CP-CLI', ...node)).rejects.toThrow(/no charger CP-CLI/);
    await expect(ocpi('chargers', 'add', 'CP-Y', ...node)).rejects.toThrow(/--location/);
    await expect(
      ocpi('chargers', 'add', 'CP-Y', '--location', 'LOC1', '--evse', 'x', ...node),
    ).rejects.toThrow(/--evse x/);
  }, 60_000);
});
