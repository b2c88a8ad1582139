import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkValue, objectNames } from '../model/objects.ts';
import { isSupportedVersion } from '../model/versions.ts';
import { errorMessage } from '../transport/errors.ts';

/**
 * `ocpi validate <version> <ObjectName> <file.json> [--patch]`: prints `valid` (exit 0)
 * or one line per problem, `path: problem` (exit 1).
 */
export async function validate(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { patch: { type: 'boolean' } },
  });
  const [version, objectName, file] = positionals;
  if (!version || !objectName || !file)
    throw new Error('usage: ocpi validate <version> <ObjectName> <file.json> [--patch]');
  if (!isSupportedVersion(version))
    throw new Error(`unsupported version ${version} (use 2.1.1, 2.2.1 or 2.3.0)`);
  if (!objectNames(version).includes(objectName)) {
    throw new Error(`OCPI ${version} has no object ${objectName}; known: ${objectNames(version).join(', ')}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    process.stdout.write(`/: not JSON: ${errorMessage(err)}\n`);
    return 1;
  }
  const result = checkValue(version, objectName, json, values.patch ? 'patch' : 'object');
  if (result.ok) {
    process.stdout.write('valid\n');
    return 0;
  }
  for (const e of result.errors) process.stdout.write(`${e.path || '/'}: ${e.message}\n`);
  return 1;
}
