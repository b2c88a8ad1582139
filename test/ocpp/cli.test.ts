import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ocpi, serve, spawnOcpi, stopAllServed } from '../support/cli.ts';
import { location } from '../support/objects.ts';
import { eventually } from '../support/pair.ts';

afterAll(stopAllServed);

describe('ocpi serve --ocpp with ocpi charger', () => {
  it('a simulated charger connects to a served node, shows online, and offline once stopped', async () => {
    const cpo = await serve(['--role', 'cpo', '--party', 'NL*CPO', '--ocpp']);
    const endpoint = /OCPP endpoint:\s+(\S+)\/<charger-id>/.exec(cpo.output())?.[1];
    expect(endpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    const admin = ['--node', cpo.adminUrl, '--admin-token', cpo.adminToken];
    const file = join(tmpdir(), `ocpp-location-${process.pid}.json`);
    await writeFile(file, JSON.stringify(location('LOC1', 2, '2020-01-01T00:00:00Z')));
    await ocpi('load', 'locations', file, ...admin);
    const added = await ocpi('chargers', 'add', 'CP-1', '--location', 'LOC1', ...admin);
    const password = /password: (\S+)/.exec(added)?.[1] ?? '';

    const sim = await spawnOcpi(
      ['charger', '--url', String(endpoint), '--id', 'CP-1', '--password', password, '--connectors', '2'],
      /BootNotification Accepted/,
    );
    expect(sim.output()).toMatch(/CP-1: BootNotification Accepted; 2 connector\(s\) Available/);
    expect(await ocpi('chargers', ...admin)).toMatch(/CP-1\s+online\s+1\.6\s+LOC1/);
    await sim.stop();
    await eventually(
      async () => ((await ocpi('chargers', ...admin)).match(/CP-1\s+offline/) ? true : undefined),
      20_000,
    );

    const refused = spawnOcpi(
      ['charger', '--url', String(endpoint), '--id', 'CP-1', '--password', 'wrong-password-0000'],
      /$^/,
    );
    await expect(refused).rejects.toThrow(/exited with 1.*Unauthorized/s);
  }, 120_000);
});
