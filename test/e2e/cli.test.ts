import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../support/nodes.ts';

const BIN = fileURLToPath(new URL('../../bin/ocpi.mjs', import.meta.url));
const run = promisify(execFile);
const children: ChildProcess[] = [];

interface Served {
  base: string;
  versionsUrl: string;
  bootstrapToken: string;
  adminToken: string;
}

/** Starts `ocpi serve` as its own process and reads what it prints. */
function serve(args: string[]): Promise<Served> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', 'memory', '--log-level', 'warn', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`ocpi serve did not start: ${out}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const versionsUrl = /versions URL:\s+(\S+)/.exec(out)?.[1];
      const bootstrapToken = /bootstrap token:\s+(\S+)/.exec(out)?.[1];
      const adminToken = /admin token:\s+(\S+)/.exec(out)?.[1];
      if (versionsUrl && bootstrapToken && adminToken) {
        clearTimeout(timer);
        resolve({
          versionsUrl,
          bootstrapToken,
          adminToken,
          base: versionsUrl.replace(/\/ocpi\/versions$/, ''),
        });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`ocpi serve exited with ${code}: ${out}`)));
  });
}

async function ocpi(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args]);
  return stdout;
}

afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

describe('two nodes as CLI processes', () => {
  it.each(['2.1.1', '2.2.1', '2.3.0'])(
    'register, rotate and unregister over OCPI %s',
    async (version) => {
      const [cpo, emsp] = await Promise.all([
        serve(['--role', 'cpo', '--party', 'NL*CPO', '--versions', version]),
        serve(['--role', 'emsp', '--party', 'DE*MSP', '--admin-token', 'emsp-admin-secret']),
      ]);
      expect(emsp.adminToken).toBe('emsp-admin-secret');
      expect((await call(cpo.versionsUrl, { token: cpo.bootstrapToken })).body.data).toEqual([
        { version, url: `${cpo.base}/ocpi/${version}` },
      ]);

      const admin = ['--node', emsp.base, '--admin-token', emsp.adminToken];
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
      expect(await ocpi('partners', '--node', cpo.base, '--admin-token', cpo.adminToken)).toMatch(
        /registered\s+\S+\s+DE\*MSP EMSP/,
      );

      expect(await ocpi('rotate', ...admin, id)).toMatch(/credentials rotated/);
      expect(await ocpi('unregister', ...admin, id)).toMatch(/^unregistered/);
      expect(await ocpi('partners', '--node', cpo.base, '--admin-token', cpo.adminToken)).toMatch(
        /no partners/,
      );
    },
    90_000,
  );

  it('keeps locations and tokens in sync by push and pull, loaded from files', async () => {
    const [cpo, emsp] = await Promise.all([
      serve(['--role', 'cpo', '--party', 'NL*CPO', '--versions', '2.2.1']),
      serve(['--role', 'emsp', '--party', 'DE*MSP']),
    ]);
    const admin = ['--node', emsp.base, '--admin-token', emsp.adminToken];
    const cpoAdmin = ['--node', cpo.base, '--admin-token', cpo.adminToken];
    await ocpi('register', ...admin, cpo.versionsUrl, cpo.bootstrapToken);
    const [cpoAtEmsp] = JSON.parse(await ocpi('partners', ...admin, '--json')) as Array<{ id: string }>;
    const [emspAtCpo] = JSON.parse(await ocpi('partners', ...cpoAdmin, '--json')) as Array<{ id: string }>;

    const spec = JSON.parse(
      readFileSync(
        new URL('../../../shared/ocpi-spec/2.2.1/examples/location_example.json', import.meta.url),
        'utf8',
      ),
    );
    const file = join(tmpdir(), `ocpi-locations-${process.pid}.json`);
    await writeFile(
      file,
      JSON.stringify([1, 2, 3].map((i) => ({ ...spec, country_code: 'NL', party_id: 'CPO', id: `CLI${i}` }))),
    );
    expect(await ocpi('load', ...cpoAdmin, '--version', '2.2.1', 'locations', file)).toMatch(
      /loaded 3 locations/,
    );
    // Pushed: the eMSP has them without asking.
    const received = async () =>
      (
        await call(`${emsp.base}/admin/partners/${cpoAtEmsp?.id}/objects/locations`, {
          headers: { authorization: `Bearer ${emsp.adminToken}` },
        })
      ).body.data as { total: number };
    for (let i = 0; i < 100 && (await received()).total < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await received()).total).toBe(3);
    // Pulled: the same through the sender interface.
    expect(await ocpi('sync', ...admin, cpoAtEmsp?.id as string, 'locations')).toMatch(
      /synced locations: 3 received in 1 pages, 0 invalid skipped/,
    );

    const tokenSpec = JSON.parse(
      readFileSync(
        new URL('../../../shared/ocpi-spec/2.2.1/examples/token_example_1_app_user.json', import.meta.url),
        'utf8',
      ),
    );
    const tokenFile = join(tmpdir(), `ocpi-tokens-${process.pid}.json`);
    await writeFile(tokenFile, JSON.stringify({ ...tokenSpec, country_code: 'DE', party_id: 'MSP' }));
    expect(await ocpi('load', ...admin, '--version', '2.2.1', 'tokens', tokenFile)).toMatch(
      /loaded 1 tokens/,
    );
    expect(await ocpi('sync', ...cpoAdmin, emspAtCpo?.id as string, 'tokens')).toMatch(
      /synced tokens: 1 received/,
    );

    const broken = join(tmpdir(), `ocpi-broken-${process.pid}.json`);
    await writeFile(
      broken,
      JSON.stringify([
        { ...spec, country_code: 'NL', party_id: 'CPO', id: 'OK' },
        { ...spec, id: 'BAD', address: undefined, country_code: 'NL', party_id: 'CPO' },
      ]),
    );
    await expect(ocpi('load', ...cpoAdmin, '--version', '2.2.1', 'locations', broken)).rejects.toMatchObject({
      stderr: expect.stringMatching(/object 1: \/address: is required/),
    });
    expect(await ocpi('dead-letters', ...cpoAdmin)).toMatch(/no dead letters/);
  }, 90_000);

  it('serve --demo and ocpi command: START_SESSION, its result, the session; then STOP_SESSION', async () => {
    const [cpo, emsp] = await Promise.all([
      serve(['--demo', '--role', 'cpo', '--party', 'NL*CPO']),
      serve(['--demo', '--role', 'emsp', '--party', 'DE*MSP']),
    ]);
    const admin = ['--node', emsp.base, '--admin-token', emsp.adminToken];
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
    await expect(ocpi('partners', '--node', node.base, '--admin-token', 'wrong')).rejects.toMatchObject({
      stderr: expect.stringMatching(/wrong admin token/),
    });
    await expect(ocpi('serve', '--party', 'NETHERLANDS')).rejects.toMatchObject({
      stderr: expect.stringMatching(/--party NETHERLANDS: expected CC\*PID/),
    });
    await expect(
      ocpi('register', '--node', node.base, '--admin-token', node.adminToken, 'ftp://x/versions', 'a'),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/versionsUrl: scheme ftp is not allowed/),
    });
  }, 60_000);
});
