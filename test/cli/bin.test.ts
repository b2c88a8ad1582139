import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/* bin/ocpi.mjs, the installed `ocpi` command, in a checkout nobody built yet. */

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('bin/ocpi.mjs', () => {
  it('says in one line to run npm run build, and exits 1, when dist/ is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpi-unbuilt-'));
    dirs.push(dir);
    await mkdir(join(dir, 'bin'));
    const bin = join(dir, 'bin', 'ocpi.mjs');
    await copyFile(fileURLToPath(new URL('../../bin/ocpi.mjs', import.meta.url)), bin);
    const failure = (await run(process.execPath, [bin, 'serve']).then(
      () => expect.fail('ocpi ran without dist/'),
      (err: unknown) => err,
    )) as { code: number; stdout: string; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    expect(failure.stderr).toMatch(/^ocpi: [^\n]*run `npm run build`[^\n]*\n$/);
  });
});
