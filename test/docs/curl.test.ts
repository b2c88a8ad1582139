import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCS, docFiles, type Fence, fences } from '../../scripts/doc-examples.ts';
import { serve, stopAllServed } from '../support/cli.ts';

/*
 * Every curl in docs/ runs, as printed, with real curl through /bin/sh, against the two
 * `ocpi serve --demo` processes the doc starts (from source, on loopback, ports 0): the
 * shell variables the doc asks the reader to set are set from what those processes print,
 * as a reader would, and each answer must match the output the doc shows after it.
 */

const run = promisify(execFile);
const COMMANDS = join(DOCS, 'commands.md');
const doc = readFileSync(COMMANDS, 'utf8');
const blocks = fences(doc);
const shell = blocks.filter((b) => b.info === 'sh');
const hasCurl = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The arguments of each `npx ocpi serve` the doc runs, less a fixed port (the test takes free ones). */
function serveArgs(): string[][] {
  return shell
    .flatMap((b) => b.text.split('\n'))
    .filter((line) => line.startsWith('npx ocpi serve'))
    .map((line) => {
      const args = line.split(/\s+/).slice(3);
      const port = args.indexOf('--port');
      if (port >= 0) args.splice(port, 2);
      return args;
    });
}

/** The variables a block asks the reader to set (a block of NAME=value lines only), with the doc's values. */
function assignments(block: Fence): Array<[string, string]> | undefined {
  const lines = block.text.split('\n').filter((l) => l.trim() !== '');
  const parsed = lines.map((l) => /^([A-Z_]+)=(\S+)(?:\s+#.*)?$/.exec(l));
  if (parsed.length === 0 || parsed.some((m) => !m)) return undefined;
  return parsed.map((m) => [m?.[1] ?? '', m?.[2] ?? '']);
}

/** The output a doc shows after a command: the json block that comes next, with only blank lines between. */
function shownOutput(block: Fence): string | undefined {
  const next = blocks.find((b) => b.open > block.close);
  if (!next || next.info !== 'json') return undefined;
  const between = doc.split('\n').slice(block.close + 1, next.open);
  return between.every((l) => l.trim() === '') ? next.text : undefined;
}

/** A line of shown output as a pattern: "…" stands for any string, fields left out for any fields. */
function pattern(value: unknown): unknown {
  if (value === '…') return expect.any(String);
  if (Array.isArray(value)) return value.map(pattern);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pattern(v)]));
  return value;
}

/** A line of shown output (a JSON object) as the pattern its answer must match. */
function linePattern(line: string): Record<string, unknown> {
  const shown: Record<string, unknown> = JSON.parse(line);
  return Object.fromEntries(Object.entries(shown).map(([k, v]) => [k, pattern(v)]));
}

const origin = (url: string) => new URL(url).origin;

describe.skipIf(!hasCurl && process.env.CI !== 'true')('the curl calls of docs/', () => {
  afterAll(stopAllServed);

  it('are all in commands.md, in sh blocks (nothing elsewhere goes unrun)', () => {
    for (const file of docFiles()) {
      const text = readFileSync(file, 'utf8');
      const inBlocks = fences(text)
        .filter((b) => b.text.includes('curl '))
        .map((b) => ({ file, info: b.info }));
      for (const found of inBlocks) expect(found).toEqual({ file: COMMANDS, info: 'sh' });
      const lines = text.split('\n');
      const fenced = new Set(
        fences(text).flatMap((b) => lines.slice(b.open, b.close + 1).map((_, i) => b.open + i)),
      );
      const loose = lines.filter((l, i) => !fenced.has(i) && /`curl /.test(l));
      expect(loose, `${file}: a curl outside a code block`).toEqual([]);
    }
  });

  it('run as printed against `ocpi serve --demo`, and answer what the doc shows', {
    timeout: 600_000,
  }, async () => {
    if (!hasCurl) throw new Error('curl is needed to run the docs (CI has it)');
    const commands = serveArgs();
    expect(commands).toHaveLength(2);
    const [cpoArgs = [], emspArgs = []] = commands;
    // Two processes compiling the source and opening PGlite at once: slow on a busy machine.
    const started = { startTimeoutMs: 300_000 };
    const [cpo, emsp] = await Promise.all([serve(cpoArgs, started), serve(emspArgs, started)]);
    /** Each variable a reader sets, from what the processes printed (or the output before it). */
    const outputs: string[] = [];
    const fill: Record<string, () => string> = {
      OCPI: () => cpo.versionsUrl.replace(/\/versions$/, ''),
      TOKEN: () => cpo.bootstrapToken,
      EMSP_ADMIN: () => emsp.adminUrl,
      EMSP_ADMIN_TOKEN: () => emsp.adminToken,
      SESSION: () => {
        const sessions = outputs
          .flatMap((o) => o.split('\n').filter(Boolean))
          .map((l): { session?: { id?: unknown } } => JSON.parse(l))
          .flatMap((l) => (l.session ? [l.session] : []));
        const id = sessions.at(-1)?.id;
        expect(id, 'a session in the output before SESSION=').toEqual(expect.any(String));
        return String(id);
      },
    };
    const env: Record<string, string> = {};
    /** The doc's example origins (http://127.0.0.1:3000) as this run's, in the shown output. */
    const origins = new Map<string, string>();
    let curls = 0;
    for (const block of shell) {
      const assigned = assignments(block);
      if (assigned) {
        for (const [name, shownValue] of assigned) {
          const make = fill[name];
          expect(make, `the doc sets ${name}, which this test does not know how to fill`).toBeDefined();
          env[name] = make?.() ?? '';
          if (/^https?:\/\//.test(shownValue)) origins.set(origin(shownValue), origin(env[name]));
        }
        continue;
      }
      if (!block.text.includes('curl ')) continue;
      curls++;
      const { stdout } = await run('/bin/sh', ['-c', block.text], {
        env: { ...process.env, ...env },
        timeout: 60_000,
      });
      outputs.push(stdout);
      const lines = stdout.split('\n').filter(Boolean);
      expect(lines.length, `no answer to ${block.text}`).toBeGreaterThan(0);
      const answers = lines.map((l): Record<string, unknown> => JSON.parse(l));
      for (const answer of answers) {
        expect(answer, block.text).not.toHaveProperty('error');
        if ('status_code' in answer) expect(answer.status_code, block.text).toBe(1000);
      }
      let shown = shownOutput(block);
      if (shown === undefined) continue;
      for (const [from, to] of origins) shown = shown.replaceAll(from, to);
      const expected = shown.split('\n').filter(Boolean).map(linePattern);
      expect(answers.length).toBeGreaterThanOrEqual(expected.length);
      for (const [i, line] of expected.entries())
        expect(answers[i], `${block.text}\nline ${i + 1}`).toMatchObject(line);
    }
    expect(curls).toBeGreaterThanOrEqual(6);
  });
});
