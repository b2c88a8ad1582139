import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The repository stands alone: no test, bench or source file reaches outside it at run time
 * (the spec data the tests need is in test/fixtures/spec/). Only the fixture script reads the
 * spec sources, from a path it is given.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = ['src', 'test', 'bench', 'bin'];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    if (e.isDirectory()) return rel === join('test', 'fixtures') ? [] : sources(rel);
    return /\.(ts|mjs|js)$/.test(e.name) ? [rel] : [];
  });
}

describe('the repository stands alone', () => {
  it('reads nothing from ../shared or the spec sources at run time', () => {
    const offending = FOLDERS.flatMap(sources).filter((file) =>
      /\.\.\/shared\/|ocpi-spec\//.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(offending).toEqual([]);
  });
});
