import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SUPPORTED_VERSIONS } from '../../src/model/versions.ts';
import { EXAMPLE_FOLDERS } from '../../test/support/spec-fixtures.ts';
import { parseJsonBlocks211 } from './json-blocks.ts';
import { parseBookingsPackageAdditions, parseSpecTables } from './tables.ts';

/*
 * Makes test/fixtures/spec/ from the OCPI specification sources:
 *   npm run spec:fixtures -- <path to ocpi-spec> [--out <dir>] [--check]
 * Example files are copied byte for byte; the 2.1.1 ```json blocks and the property/enum tables
 * are extracted as data (never the prose). --check writes to a temporary folder and fails when
 * the result differs from the committed fixtures.
 */

const FIXTURES = new URL('../../test/fixtures/spec/', import.meta.url);

const NOTICE = `# Spec fixtures

Data taken from the OCPI specification sources, for the tests. Made by
\`npm run spec:fixtures -- <path to ocpi-spec>\` (scripts/spec-fixtures/); do not edit by hand.

- Source: the official OCPI repository of the EV Roaming Foundation (github.com/ocpi/ocpi),
  versions 2.1.1, 2.2.1, 2.3.0, the 2.3.0 edition 2 payments package and the 2.3.0 bookings package.
- Licence: Creative Commons Attribution-NoDerivatives 4.0 International (CC BY-ND 4.0),
  copyright the EVRoaming Foundation (2.1.1: NKL).
- \`<folder>/examples/*.json\`: the spec's example files, copied byte for byte, unedited.
- \`2.1.1/json-blocks.json\`: the text of every \`\`\`json block of the 2.1.1 chapters, verbatim,
  with the heading it stands under.
- \`tables/*.json\`: the property tables (name, type, cardinality) and enum values of every
  object, class and enum, as the spec's tables give them. No descriptions or other prose.
`;

function write(out: URL, spec: URL): void {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL('NOTICE.md', out), NOTICE);
  for (const folder of EXAMPLE_FOLDERS) {
    const from = new URL(`${folder}/examples/`, spec);
    const to = new URL(`${folder}/examples/`, out);
    mkdirSync(to, { recursive: true });
    for (const file of readdirSync(from).filter((f) => f.endsWith('.json')))
      copyFileSync(new URL(file, from), new URL(file, to));
  }
  const json = (path: string, value: unknown) => {
    mkdirSync(new URL('.', new URL(path, out)), { recursive: true });
    writeFileSync(new URL(path, out), `${JSON.stringify(value, null, 1)}\n`);
  };
  json('2.1.1/json-blocks.json', parseJsonBlocks211(spec));
  for (const version of SUPPORTED_VERSIONS) json(`tables/${version}.json`, parseSpecTables(spec, version));
  json('tables/2.3.0-bookings-additions.json', parseBookingsPackageAdditions(spec));
}

/** Relative path → content of every file below a folder. */
function contents(dir: string, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = join(prefix, entry.name);
    if (entry.isDirectory()) for (const [k, v] of contents(dir, rel)) files.set(k, v);
    else files.set(rel, readFileSync(join(dir, rel), 'utf8'));
  }
  return files;
}

function main(args: string[]): number {
  const check = args.includes('--check');
  const outIndex = args.indexOf('--out');
  const outArg = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const specArg = args.find((a, i) => !a.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));
  if (!specArg) {
    process.stderr.write('usage: npm run spec:fixtures -- <path to ocpi-spec> [--out <dir>] [--check]\n');
    return 2;
  }
  const spec = pathToFileURL(`${resolve(specArg)}/`);
  const out = outArg ? pathToFileURL(`${resolve(outArg)}/`) : FIXTURES;
  if (!check) {
    write(out, spec);
    process.stdout.write(`spec fixtures written to ${out.pathname}\n`);
    return 0;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'spec-fixtures-'));
  try {
    write(pathToFileURL(`${tmp}/`), spec);
    const fresh = contents(tmp);
    const committed = contents(out.pathname);
    const differ = [...new Set([...fresh.keys(), ...committed.keys()])].filter(
      (k) => fresh.get(k) !== committed.get(k),
    );
    if (differ.length) {
      process.stderr.write(
        `spec fixtures are out of date (${differ.length} files differ, e.g. ${differ.slice(0, 5).join(', ')}):\n` +
          `run npm run spec:fixtures -- ${specArg}\n`,
      );
      return 1;
    }
    process.stdout.write(`spec fixtures match ${specArg} (${fresh.size} files)\n`);
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
