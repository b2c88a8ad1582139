import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { errorMessage, OcpiError } from '../transport/errors.ts';

/** Whether PGlite has yet to create its database in `dataDir` (it writes PG_VERSION when it does). */
export function isNewDataDir(dataDir: string): boolean {
  return dataDir !== 'memory' && !existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Creates the database in a new `dataDir` (PGlite's initdb, run by a second postgres instance)
 * in a short-lived child `node` process, so that this process opens an existing one. Run here,
 * initdb leaves about 500 MB behind for good: the two instances' WebAssembly memories until a
 * garbage collection that an idle server may never run, and the compiled code and allocator
 * pages after it. The child is plain node loading PGlite's CommonJS build: it needs neither
 * this file compiled nor a loader.
 */
export async function createDataDirInChildProcess(dataDir: string, startParams: readonly string[]) {
  const failed = (why: string, cause?: unknown) =>
    new OcpiError('OCPI_ERR_CONFIG', `creating the embedded database in ${dataDir} failed: ${why}`, {
      cause,
    });
  // PGlite makes the directory itself, not its parents.
  await mkdir(dataDir, { recursive: true }).catch((error: unknown) => {
    throw failed(errorMessage(error), error);
  });
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = [
    `const { PGlite } = require(${JSON.stringify(pglite)});`,
    'const [dataDir, startParams] = process.argv.slice(1);',
    'PGlite.create(dataDir, { startParams: JSON.parse(startParams) })',
    '  .then((db) => db.close())',
    // Last, on a line of its own: PGlite may have written to stderr before. Its file system
    // throws plain objects ({ name: 'ErrnoError', errno }), not Errors.
    '  .catch((error) => {',
    "    process.stderr.write('\\n' + (error instanceof Error ? error.message : JSON.stringify(error)) + '\\n');",
    '    process.exitCode = 1;',
    '  });',
  ].join('\n');
  const child = spawn(process.execPath, ['-e', script, dataDir, JSON.stringify(startParams)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    },
  ).catch((error: unknown) => {
    throw failed(`cannot start ${process.execPath}: ${errorMessage(error)}`, error);
  });
  if (outcome.code !== 0)
    throw failed(`${stderr.trim().split('\n').at(-1) ?? ''} (${outcome.signal ?? `exit ${outcome.code}`})`);
}
