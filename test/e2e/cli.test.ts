import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OcpiVersion } from '../../src/index.ts';
import { firstObject, type Json } from '../modules/receiver-examples.ts';
import { ocpi, type Served, serve, stopAllServed } from '../support/cli.ts';
import { call } from '../support/nodes.ts';
import { eventually } from '../support/pair.ts';

// Each test starts its own nodes: stop them when it ends, not all at the end of the file.
afterEach(stopAllServed);

describe('two nodes as CLI processes', () => {
  it.each(['2.1.1', '2.2.1', '2.3.0'])(
    'register, rotate and unregister over OCPI %s',
    async (version) => {
      const [cpo, emsp] = await Promise.all([
        serve(['--role', 'cpo', '--party', 'NL*CPO', '--versions', version]),
        serve(['--role', 'emsp', '--party', 'DE*MSP', '--admin-token', 'emsp-admin-secret']),
      ]);
      expect(emsp.adminToken).toBe('emsp-admin-secret');
      // The admin API has a loopback listener of its own: partners cannot reach it over OCPI's.
      expect(emsp.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/admin$/);
      expect(new URL(emsp.adminUrl).port).not.toBe(new URL(emsp.base).port);
      const bearer = { authorization: `Bearer ${emsp.adminToken}` };
      expect((await call(`${emsp.base}/admin/partners`, { headers: bearer })).status).toBe(404);
      expect((await call(cpo.versionsUrl, { token: cpo.bootstrapToken })).body.data).toEqual([
        { version, url: `${cpo.base}/ocpi/${version}` },
      ]);

      const admin = ['--node', emsp.adminUrl, '--admin-token', emsp.adminToken];
      const registered = await ocpi('register', ...admin, cpo.versionsUrl, cpo.bootstrapToken);
      expect(registered).toMatch(
        new RegExp(`registered: \\S+\\s+registered\\s+${version.replace(/\./g, '\\.')}\\s+NL\\*CPO CPO`),
      );
      const partners = JSON.parse(await ocpi('partners', ...admin, '--json')) as Array<{
        id: string;
        version: string;
      }>;
      expect(partners).toHaveLength(1);
      const id = (partners[0] as { id: string }).id;
      expect(await ocpi('partners', '--node', cpo.adminUrl, '--admin-token', cpo.adminToken)).toMatch(
        /registered\s+\S+\s+DE\*MSP EMSP/,
      );

      expect(await ocpi('rotate', ...admin, id)).toMatch(/credentials rotated/);
      expect(await ocpi('unregister', ...admin, id)).toMatch(/^unregistered/);
      expect(await ocpi('partners', '--node', cpo.adminUrl, '--admin-token', cpo.adminToken)).toMatch(
        /no partners/,
      );
    },
    90_000,
  );

  it.each(['2.1.1', '2.2.1', '2.3.0'] as OcpiVersion[])(
    'keeps locations, tariffs and tokens in sync by push and pull over OCPI %s, loaded from files',
    async (version) => {
      const [cpo, emsp] = await Promise.all([
        serve(['--role', 'cpo', '--party', 'NL*CPO', '--versions', version]),
        serve(['--role', 'emsp', '--party', 'DE*MSP']),
      ]);
      const admin = ['--node', emsp.adminUrl, '--admin-token', emsp.adminToken];
      const cpoAdmin = ['--node', cpo.adminUrl, '--admin-token', cpo.adminToken];
      // Each CLI process costs a second or two: independent commands run side by side, and
      // what is only looked at goes straight to the admin API.
      const adminGet = async (node: Served, path: string) =>
        (await call(`${node.adminUrl}${path}`, { headers: { authorization: `Bearer ${node.adminToken}` } }))
          .body.data;
      const cpoAtEmsp = (
        JSON.parse(await ocpi('register', ...admin, '--json', cpo.versionsUrl, cpo.bootstrapToken)) as {
          id: string;
        }
      ).id;
      const [emspAtCpo] = (await adminGet(cpo, '/partners')) as Array<{ id: string }>;

      // Spec example objects in the version's own shape: 2.1.1 objects name no owner (the
      // loading node's party owns them), from 2.2 on they carry country_code and party_id.
      const owned = (object: Json, cc: string, pid: string): Json =>
        version === '2.1.1' ? object : { ...object, country_code: cc, party_id: pid };
      const cpoObjects = (target: 'Location' | 'Tariff', ids: string[]) =>
        ids.map((id) => owned({ ...firstObject(version, target), id }, 'NL', 'CPO'));
      const load = async (node: string[], module: string, objects: Json[], name = module) => {
        const file = join(tmpdir(), `ocpi-${name}-${version}-${process.pid}.json`);
        await writeFile(file, JSON.stringify(objects));
        return ocpi('load', ...node, '--version', version, module, file);
      };
      /** The owners and ids of what a node received from a partner, once it has `count` objects. */
      const received = async (node: Served, partner: string | undefined, module: string, count: number) => {
        const page = await eventually(async () => {
          const p = (await adminGet(node, `/partners/${partner}/objects/${module}`)) as {
            total: number;
            items: Json[];
          };
          return p.total >= count ? p : undefined;
        });
        return page.items.map((o) => `${o.country_code}*${o.party_id}/${o.uid ?? o.id}`).sort();
      };

      const token = owned(firstObject(version, 'Token'), 'DE', 'MSP');
      const loaded = await Promise.all([
        load(cpoAdmin, 'locations', cpoObjects('Location', ['CLI1', 'CLI2', 'CLI3'])),
        load(cpoAdmin, 'tariffs', cpoObjects('Tariff', ['CLI-T1', 'CLI-T2'])),
        load(admin, 'tokens', [token]),
      ]);
      expect(loaded[0]).toMatch(/loaded 3 locations/);
      expect(loaded[1]).toMatch(/loaded 2 tariffs/);
      expect(loaded[2]).toMatch(/loaded 1 tokens/);
      // Pushed: each side has the other's objects without asking, under the owner's party.
      expect(await received(emsp, cpoAtEmsp, 'locations', 3)).toEqual([
        'NL*CPO/CLI1',
        'NL*CPO/CLI2',
        'NL*CPO/CLI3',
      ]);
      expect(await received(emsp, cpoAtEmsp, 'tariffs', 2)).toEqual(['NL*CPO/CLI-T1', 'NL*CPO/CLI-T2']);
      expect(await received(cpo, emspAtCpo?.id, 'tokens', 1)).toEqual([`DE*MSP/${token.uid}`]);
      // Pulled: the same through the sender interfaces.
      const synced = await Promise.all([
        ocpi('sync', ...admin, cpoAtEmsp, 'locations'),
        ocpi('sync', ...admin, cpoAtEmsp, 'tariffs'),
        ocpi('sync', ...cpoAdmin, emspAtCpo?.id as string, 'tokens'),
      ]);
      expect(synced[0]).toMatch(/synced locations: 3 received in 1 pages, 0 invalid skipped/);
      expect(synced[1]).toMatch(/synced tariffs: 2 received in 1 pages, 0 invalid skipped/);
      expect(synced[2]).toMatch(/synced tokens: 1 received in 1 pages, 0 invalid skipped/);

      // A file with one broken object loads nothing; every push above was delivered.
      const [ok, bad] = cpoObjects('Location', ['OK', 'BAD']);
      const [broken, deadLetters] = await Promise.allSettled([
        load(cpoAdmin, 'locations', [ok as Json, { ...bad, address: undefined }], 'broken'),
        ocpi('dead-letters', ...cpoAdmin),
      ]);
      expect(broken).toMatchObject({
        status: 'rejected',
        reason: { stderr: expect.stringMatching(/object 1: \/address: is required/) },
      });
      expect(deadLetters).toMatchObject({
        status: 'fulfilled',
        value: expect.stringMatching(/no dead letters/),
      });
      expect(await adminGet(cpo, '/objects/locations')).toMatchObject({ total: 3 });
    },
    120_000,
  );

  it('serve --demo and ocpi command: START_SESSION, its result, the session; then STOP_SESSION', async () => {
    const [cpo, emsp] = await Promise.all([
      serve(['--demo', '--role', 'cpo', '--party', 'NL*CPO']),
      serve(['--demo', '--role', 'emsp', '--party', 'DE*MSP']),
    ]);
    const admin = ['--node', emsp.adminUrl, '--admin-token', emsp.adminToken];
    await ocpi('register', ...admin, cpo.versionsUrl, cpo.bootstrapToken);
    const started = await ocpi(
      'command',
      'start-session',
      ...admin,
      '--partner',
      'NL*CPO',
      '--location',
      'DEMO-1',
      '--evse',
      'DEMO-E1',
      '--token',
      'DEMO-TOKEN-1',
      '--follow',
      '3',
    );
    expect(started).toMatch(/CommandResponse: ACCEPTED \(the CPO waits 30 s for the charger\)/);
    expect(started).toMatch(/CommandResult: {3}ACCEPTED/);
    const sessionId = /Session (\S+): ACTIVE/.exec(started)?.[1];
    expect(sessionId).toBeDefined();
    const stopped = await ocpi(
      'command',
      'stop-session',
      ...admin,
      '--partner',
      'NL*CPO',
      '--session',
      sessionId as string,
    );
    expect(stopped).toMatch(/CommandResponse: ACCEPTED[\s\S]*CommandResult: {3}ACCEPTED/);
    await expect(
      ocpi(
        'command',
        'start-session',
        ...admin,
        '--partner',
        'XX*NOP',
        '--location',
        'DEMO-1',
        '--token',
        'DEMO-TOKEN-1',
      ),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/partner: no registered partner XX\*NOP/),
    });
  }, 90_000);

  it('fails clearly on a wrong admin token or a bad party', async () => {
    const node = await serve([]);
    await expect(ocpi('partners', '--node', node.adminUrl, '--admin-token', 'wrong')).rejects.toMatchObject({
      stderr: expect.stringMatching(/wrong admin token/),
    });
    await expect(ocpi('serve', '--party', 'NETHERLANDS')).rejects.toMatchObject({
      stderr: expect.stringMatching(/--party NETHERLANDS: expected CC\*PID/),
    });
    await expect(ocpi('serve', '--simulate', 'E1=asleep', '--command-timeout', '5')).rejects.toMatchObject({
      stderr: expect.stringMatching(/--simulate E1=asleep: expected <evse_uid>=<accept\|reject\|/),
    });
    await expect(ocpi('serve', '--command-timeout', '0.5')).rejects.toMatchObject({
      stderr: expect.stringMatching(/--command-timeout 0\.5: expected whole seconds/),
    });
    await expect(
      ocpi('register', '--node', node.adminUrl, '--admin-token', node.adminToken, 'ftp://x/versions', 'a'),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/versionsUrl: scheme ftp is not allowed/),
    });
  }, 60_000);
});
