import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docFiles, exampleText, fences, ROOT } from '../../scripts/doc-examples.ts';

/*
 * The TypeScript in docs/ is the examples/ files the type-check compiles and
 * test/docs/examples.test.ts runs: every ```ts block is one of them, whole or a marked
 * region, verbatim (`npx tsx scripts/doc-examples.ts` rewrites the blocks after a change).
 */

const SCRIPT_LANGUAGES = /^(ts|typescript|tsx|mts|js|javascript|jsx|mjs)$/i;
const docs = docFiles().map((path) => ({ name: relative(ROOT, path), text: readFileSync(path, 'utf8') }));
const examples = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `examples/${f}`);

describe('the code in docs/', () => {
  it('has docs to check, and examples', () => {
    expect(docs.map((d) => d.name)).toEqual(
      expect.arrayContaining(['docs/getting-started.md', 'docs/commands.md', 'docs/cpo.md', 'docs/emsp.md']),
    );
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(docs)(
    '$name: every script block follows a marker and is that example, verbatim',
    ({ name, text }) => {
      const lines = text.split('\n');
      // Counted apart from fences(): a block the parser missed would pass unseen.
      const opened = lines.filter((line) =>
        SCRIPT_LANGUAGES.test(/^```(\S*)\s*$/.exec(line)?.[1] ?? ''),
      ).length;
      const blocks = fences(text).filter((f) => SCRIPT_LANGUAGES.test(f.info));
      expect(blocks.length).toBe(opened);
      for (const block of blocks) {
        const where = `${name}:${block.open + 1}`;
        expect(block.info, where).toBe('ts');
        expect(block.example, `${where}: no <!-- example: examples/… --> before the block`).toBeDefined();
        if (!block.example) continue;
        expect(block.text, `${where}: differs from ${block.example.file}`).toBe(
          exampleText(block.example.file, block.example.region),
        );
      }
    },
  );

  it('shows every example somewhere, and compiles them with the rest (tsconfig include)', () => {
    const shown = new Set(
      docs.flatMap((d) => fences(d.text).flatMap((f) => (f.example ? [f.example.file] : []))),
    );
    expect(examples.filter((e) => !shown.has(e))).toEqual([]);
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
      include: string[];
      compilerOptions: { paths: Record<string, string[]> };
    };
    expect(tsconfig.include).toContain('examples');
    expect(tsconfig.compilerOptions.paths['ocpi-toolkit']).toEqual(['./src/index.ts']);
  });

  it('keeps src/ from importing the package by its name (only examples may: the build has no such path)', () => {
    const sources = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const selfImports = sources('src').filter((file) =>
      /from 'ocpi-toolkit'/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(selfImports).toEqual([]);
  });
});
