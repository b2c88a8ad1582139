import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/index.ts';
import { ocpi } from '../support/cli.ts';

/* `ocpi openapi <version> [--out file]`, run as a user runs it. */

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('ocpi openapi', () => {
  it('prints the document of a version as JSON', async () => {
    const printed = JSON.parse(await ocpi('openapi', '2.2.1', '--public-url', 'https://ocpi.example.com'));
    expect(printed).toEqual(
      JSON.parse(JSON.stringify(await openApiDocument('2.2.1', { publicUrl: 'https://ocpi.example.com' }))),
    );
    expect(printed.servers[0].url).toBe('https://ocpi.example.com/ocpi');
    expect(printed.components.schemas.Location.type).toBe('object');
  });

  it('writes it to a file with --out, printing nothing on stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpi-openapi-'));
    dirs.push(dir);
    const file = join(dir, 'ocpi-2.1.1.json');
    expect(await ocpi('openapi', '2.1.1', '--out', file)).toBe('');
    const written = JSON.parse(await readFile(file, 'utf8'));
    expect(written.info.version).toBe('2.1.1');
    expect(Object.keys(written.paths)).toContain('/2.1.1/sender/locations');
  });

  it('exits 1 naming the versions it knows when the version is unknown', async () => {
    const failure = (await ocpi('openapi', '2.0').then(
      () => expect.fail('ocpi openapi 2.0 succeeded'),
      (err: unknown) => err,
    )) as { code: number; stdout: string; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    expect(failure.stderr).toBe('ocpi openapi: unsupported version 2.0 (use 2.1.1, 2.2.1, 2.3.0)\n');
  });
});
