import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { v230 } from '../../src/index.ts';
import { ocpi, type Served, serve, spawnOcpi, stopAllServed } from '../support/cli.ts';
import { startNode } from '../support/nodes.ts';
import { location, token } from '../support/objects.ts';
import { EMSP_PARTY, eventually } from '../support/pair.ts';
import { freshSchema, POSTGRES_ENV, POSTGRES_URL } from '../support/stores.ts';

const TOKEN = { ...token('APP-TWO-PROCS', '2020-01-01T00:00:00Z'), type: 'APP_USER' } as v230.tokens.Token;

function endpointOf(served: Served): string {
  const endpoint = /OCPP endpoint:\s+(\S+)\/<charger-id>/.exec(served.output())?.[1];
  if (!endpoint) throw new Error(`no OCPP endpoint printed: ${served.output()}`);
  return endpoint;
}

afterAll(stopAllServed);

/*
 * Two `ocpi serve` processes on one PostgreSQL schema, as a CPO runs them behind a load
 * balancer: the eMSP talks to A, the charger is connected to B, and a command still reaches it.
 */
describe.skipIf(process.env[POSTGRES_ENV] === '0')(
  'two ocpi serve processes on one PostgreSQL schema',
  () => {
    it('START_SESSION received by A reaches the charger connected to B, and ACCEPTED reaches the eMSP', async () => {
      const database = ['--database-url', POSTGRES_URL, '--database-schema', freshSchema()];
      const cpo = ['--role', 'cpo', '--party', 'NL*CPO', '--versions', '2.2.1', '--ocpp', ...database];
      const a = await serve(cpo);
      const b = await serve(cpo);
      const admin = ['--node', a.adminUrl, '--admin-token', a.adminToken];
      const file = join(tmpdir(), `ocpp-two-procs-${process.pid}.json`);
      const loc = location('LOC1', 2, '2020-01-01T00:00:00Z');
      const evses = (loc.evses as Array<Record<string, unknown>>).map((e) => ({
        ...e,
        capabilities: ['REMOTE_START_STOP_CAPABLE'],
      }));
      await writeFile(file, JSON.stringify({ ...loc, evses }));
      await ocpi('load', 'locations', file, ...admin);
      const added = await ocpi('chargers', 'add', 'CP-1', '--location', 'LOC1', ...admin);
      const password = /password: (\S+)/.exec(added)?.[1] ?? '';

      const charger = await spawnOcpi(
        ['charger', '--url', endpointOf(b), '--id', 'CP-1', '--password', password, '--connectors', '2'],
        /BootNotification Accepted/,
      );
      // A's admin API reads the shared registry: the charger is online (connected to B).
      await eventually(async () =>
        (await ocpi('chargers', ...admin)).match(/CP-1\s+online/) ? true : undefined,
      );

      const emsp = await startNode({ versions: ['2.2.1'], parties: [EMSP_PARTY] });
      try {
        // B's start replaced A's unused bootstrap token in the shared registry: B's is the live one.
        const partner = await emsp.ocpi.registerWith(a.versionsUrl, b.bootstrapToken);
        const sent = await emsp.ocpi.commands.startSession(partner.id, {
          token: TOKEN,
          location_id: 'LOC1',
          evse_uid: 'E2',
        });
        expect(sent.response, JSON.stringify(sent.response)).toMatchObject({ result: 'ACCEPTED' });
        expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
        await eventually(async () => (/RemoteStartTransaction/.test(charger.output()) ? true : undefined));
      } finally {
        await emsp.close();
        await charger.stop();
      }
    }, 120_000);
  },
);
