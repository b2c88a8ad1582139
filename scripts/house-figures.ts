/**
 * The figures issue 11 ("the typed house") is measured by, read from the syntax tree rather
 * than by grep: type assertions, `as unknown as`, untyped JSON records, declarations of a
 * Json type, direct time reads, plain `throw new Error`, error classes, the largest file and
 * function, import cycles in src/, and fixed sleeps in test/.
 *
 *   npx tsx scripts/house-figures.ts [--json]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

function visit(node: ts.Node, each: (node: ts.Node) => void): void {
  each(node);
  ts.forEachChild(node, (child) => visit(child, each));
}

const TIMER_FUNCTIONS = new Set(['setTimeout', 'setInterval']);

interface SourceFigures {
  assertions: number;
  asUnknownAs: number;
  recordStringUnknown: number;
  jsonDeclarations: string[];
  timeReads: string[];
  plainThrows: number;
  errorClasses: string[];
  longestFunction: { where: string; lines: number };
  largestFile: { file: string; lines: number };
  filesOver500: string[];
}

function sourceFigures(files: string[]): SourceFigures {
  const figures: SourceFigures = {
    assertions: 0,
    asUnknownAs: 0,
    recordStringUnknown: 0,
    jsonDeclarations: [],
    timeReads: [],
    plainThrows: 0,
    errorClasses: [],
    longestFunction: { where: '', lines: 0 },
    largestFile: { file: '', lines: 0 },
    filesOver500: [],
  };
  for (const file of files) {
    const source = parse(file);
    const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    const lines = source.getLineAndCharacterOfPosition(source.end).line + 1;
    if (lines > figures.largestFile.lines) figures.largestFile = { file, lines };
    if (lines > 500) figures.filesOver500.push(`${file} (${lines})`);
    visit(source, (node) => {
      if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
        const text = node.type.getText(source);
        if (text === 'const') return;
        figures.assertions++;
        if (ts.isAsExpression(node.expression) && node.expression.type.getText(source) === 'unknown')
          figures.asUnknownAs++;
      }
      if (
        ts.isTypeReferenceNode(node) &&
        node.getText(source).replace(/\s/g, '') === 'Record<string,unknown>'
      )
        figures.recordStringUnknown++;
      if (
        (ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node)) &&
        /^Json/.test(node.name.text)
      )
        figures.jsonDeclarations.push(`${file}:${lineOf(node)} ${node.name.text}`);
      const isClock = file.endsWith('/clock.ts');
      if (!isClock && ts.isCallExpression(node)) {
        const callee = node.expression.getText(source);
        if (callee === 'Date.now' || TIMER_FUNCTIONS.has(callee)) timeRead(node);
      }
      if (!isClock && ts.isNewExpression(node) && node.expression.getText(source) === 'Date')
        if ((node.arguments?.length ?? 0) === 0) timeRead(node);
      if (ts.isThrowStatement(node) && node.expression && ts.isNewExpression(node.expression))
        if (node.expression.expression.getText(source) === 'Error') figures.plainThrows++;
      if (ts.isClassDeclaration(node) && node.heritageClauses)
        for (const clause of node.heritageClauses)
          for (const type of clause.types)
            if (type.expression.getText(source) === 'Error')
              figures.errorClasses.push(`${file}:${lineOf(node)} ${node.name?.text ?? '(anonymous)'}`);
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = lineOf(node);
        const end = source.getLineAndCharacterOfPosition(node.end).line + 1;
        if (end - start + 1 > figures.longestFunction.lines) {
          const name = node.name ? node.name.getText(source) : '(anonymous)';
          figures.longestFunction = { where: `${file}:${start} ${name}`, lines: end - start + 1 };
        }
      }
      function timeRead(at: ts.Node) {
        figures.timeReads.push(`${file}:${lineOf(at)} ${at.getText(source).slice(0, 40)}`);
      }
    });
  }
  return figures;
}

/** Relative imports of each src file, type-only ones included: a cycle of types is still a cycle of meaning. */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const targets = info.importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(root, resolve(root, dirname(file), name)));
    graph.set(file, targets);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const walk = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) walk(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) walk(file);
  return found;
}

/** Fixed pauses in tests: `sleep(…)` calls and `new Promise((r) => setTimeout(r, …))`. */
function testSleeps(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const source = parse(file);
    visit(source, (node) => {
      if (!ts.isCallExpression(node)) return;
      const callee = node.expression.getText(source);
      const first = node.arguments[0];
      const resolvesAfterTimer =
        callee === 'setTimeout' &&
        first !== undefined &&
        ts.isIdentifier(first) &&
        /^(r|res|resolve)$/.test(first.text);
      if (callee === 'sleep' || resolvesAfterTimer) {
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        found.push(`${file}:${line} ${node.getText(source).slice(0, 50)}`);
      }
    });
  }
  return found;
}

const srcFiles = filesUnder('src');
const figures = sourceFigures(srcFiles);
const circles = cycles(importGraph(srcFiles));
const sleeps = testSleeps(filesUnder('test'));
const report = {
  files: srcFiles.length,
  typeAssertions: figures.assertions,
  asUnknownAs: figures.asUnknownAs,
  recordStringUnknown: figures.recordStringUnknown,
  jsonTypeDeclarations: figures.jsonDeclarations,
  directTimeReads: figures.timeReads,
  plainThrowNewError: figures.plainThrows,
  errorClasses: figures.errorClasses,
  importCycles: circles.map((c) => c.join(' → ')),
  largestFile: figures.largestFile,
  filesOver500Lines: figures.filesOver500,
  longestFunction: figures.longestFunction,
  fixedSleepsInTests: sleeps,
};

if (process.argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
else {
  const list = (items: string[]) => (items.length ? `\n    ${items.join('\n    ')}` : '');
  console.log(`src files: ${report.files}
type assertions (not \`as const\`): ${report.typeAssertions}
\`as unknown as\`: ${report.asUnknownAs}
Record<string, unknown>: ${report.recordStringUnknown}
Json type declarations: ${report.jsonTypeDeclarations.length}${list(report.jsonTypeDeclarations)}
direct time reads (Date.now(), new Date(), timers) outside src/clock.ts: ${report.directTimeReads.length}${list(report.directTimeReads)}
plain \`throw new Error\`: ${report.plainThrowNewError}
error classes extending Error: ${report.errorClasses.length}${list(report.errorClasses)}
import cycles: ${report.importCycles.length}${list(report.importCycles)}
largest file: ${report.largestFile.file} (${report.largestFile.lines} lines)
files over 500 lines: ${report.filesOver500Lines.length}${list(report.filesOver500Lines)}
longest function: ${report.longestFunction.where} (${report.longestFunction.lines} lines)
fixed sleeps in test/: ${report.fixedSleepsInTests.length}${list(report.fixedSleepsInTests)}`);
}
