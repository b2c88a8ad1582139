import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocpi } from '../support/cli.ts';
import { startFakeHub } from '../support/fake-hub.ts';
import { call, startNode } from '../support/nodes.ts';
import { CPO_PARTY } from '../support/pair.ts';

const ADMIN = 'cli-hub-clients-admin-token';

/* `ocpi partners` shows, under a hub, the parties behind it with their role and status. */
describe('ocpi partners with a hub partner', () => {
  let node: FastifyInstance;
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let hubId: string;
  let admin: string[];

  beforeAll(async () => {
    hub = await startFakeHub({
      version: '2.3.0',
      clients: [
        {
          country_code: 'FR',
          party_id: 'CPX',
          role: 'CPO',
          status: 'SUSPENDED',
          last_updated: '2026-12-01T09:00:00Z',
        },
      ],
    });
    node = await startNode({ parties: [CPO_PARTY], adminToken: ADMIN });
    hubId = (await node.ocpi.registerWith(hub.versionsUrl, 'token-a')).id;
    admin = ['--node', node.ocpi.adminUrl() ?? '', '--admin-token', ADMIN];
  }, 60_000);
  afterAll(async () => {
    await node?.close();
    await hub?.close();
  });

  it('says when the hub reported no parties yet, then lists them one a line under the hub', async () => {
    expect(await ocpi('partners', ...admin)).toMatch(
      new RegExp(
        `^${hubId}\\s+registered\\s+2\\.3\\.0\\s+DE\\*HUB OTHER, BE\\*EMX EMSP.*\\n  via hub: no parties reported yet\\n$`,
      ),
    );
    const url = `${node.ocpi.versionsUrl().replace(/versions$/, '2.3.0')}/receiver/hubclientinfo/NL/EMA`;
    const body = { role: 'EMSP', status: 'OFFLINE', last_updated: '2026-12-01T10:00:00Z' };
    expect((await call(url, { method: 'PUT', token: hub.tokens[0] ?? '', body })).body.status_code).toBe(
      1000,
    );
    expect(await ocpi('sync', ...admin, hubId, 'hubclientinfo')).toMatch(
      /synced hubclientinfo: 1 received in 1 pages, 0 invalid skipped/,
    );
    const lines = (await ocpi('partners', ...admin)).trim().split('\n');
    expect(lines.slice(1)).toEqual([
      '  via hub: FR*CPX   CPO    SUSPENDED',
      '  via hub: NL*EMA   EMSP   OFFLINE',
    ]);
    const json = JSON.parse(await ocpi('partners', ...admin, '--json')) as Array<{ hubClients: unknown[] }>;
    expect(json[0]?.hubClients).toHaveLength(2);
  }, 60_000);
});
