import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/*
 * The TypeScript in docs/ is never written there: each ```ts block follows a marker naming
 * the examples/ file it shows, whole or one region of it, and holds that text verbatim.
 *
 *   <!-- example: examples/cpo.ts -->           the whole file
 *   <!-- example: examples/cpo.ts#decide -->    the lines between `// #region decide` and
 *                                               `// #endregion decide`, less their indentation
 *
 * `npx tsx scripts/doc-examples.ts` rewrites the blocks from the files; test/docs checks them.
 */

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DOCS = join(ROOT, 'docs');

const MARKER = /^<!-- example: (examples\/[\w./-]+\.ts)(?:#([\w-]+))? -->$/;

/** A fenced code block of a Markdown text: its info string, its text, and the lines around it. */
export interface Fence {
  info: string;
  text: string;
  /** Line index of the opening fence. */
  open: number;
  /** Line index of the closing fence. */
  close: number;
  /** The example the marker on the line before the fence names, if there is one. */
  example?: { file: string; region?: string };
}

/** The fenced blocks of a Markdown text, in order. */
export function fences(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const opening = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!opening) continue;
    const close = lines.findIndex((line, j) => j > i && line.trimEnd() === '```');
    if (close < 0) throw new Error(`unclosed code block at line ${i + 1}`);
    const marker = MARKER.exec(lines[i - 1] ?? '');
    found.push({
      info: opening[1] ?? '',
      text: lines.slice(i + 1, close).join('\n'),
      open: i,
      close,
      ...(marker?.[1] ? { example: { file: marker[1], ...(marker[2] ? { region: marker[2] } : {}) } } : {}),
    });
    i = close;
  }
  return found;
}

/** The text a marker names: the file without its last newline, or a region dedented. */
export function exampleText(file: string, region?: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/\n$/, '');
  if (region === undefined) return text;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `// #region ${region}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === `// #endregion ${region}`);
  if (start < 0 || end < 0) throw new Error(`${file} has no region ${region}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return body.map((l) => l.slice(indent)).join('\n');
}

/** The Markdown files of docs/. */
export function docFiles(): string[] {
  return readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(DOCS, f));
}

/** A Markdown text with each marked block replaced by the text its marker names. */
export function synced(markdown: string): string {
  const lines = markdown.split('\n');
  for (const fence of fences(markdown).reverse()) {
    if (!fence.example) continue;
    const text = exampleText(fence.example.file, fence.example.region);
    lines.splice(fence.open + 1, fence.close - fence.open - 1, ...text.split('\n'));
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const file of docFiles()) {
    const before = readFileSync(file, 'utf8');
    const after = synced(before);
    if (after !== before) {
      writeFileSync(file, after);
      process.stdout.write(`updated ${file}\n`);
    }
  }
}
