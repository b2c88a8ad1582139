import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Test files that start processes of their own (`ocpi serve`, the `ocpi` command, Chromium,
 * initdb in a child): each keeps two to four processes busy, so run beside each other or
 * beside the in-process files they starved one another into timeouts. They run first, as
 * a group of their own with fewer workers; the in-process files run after them.
 */
const PROCESSES = [
  'test/cli/**/*.test.ts',
  'test/e2e/cli*.test.ts',
  'test/e2e/crash*.test.ts',
  'test/e2e/payments-cli.test.ts',
  'test/e2e/registration-tokens.test.ts',
  'test/e2e/scale-out.test.ts',
  'test/console/*-browser.test.ts',
  'test/docs/curl.test.ts',
  'test/docs/examples.test.ts',
  'test/ocpp/cli.test.ts',
  'test/ocpp/serve-instances.test.ts',
  'test/openapi/cli.test.ts',
  'test/store/pglite-data-dir.test.ts',
];

const cores = availableParallelism();

export default defineConfig({
  // examples/ import the package by its name, as a user does: here that is the source (as
  // tsconfig.json's paths say for the type-check), so they need no build.
  resolve: { alias: [{ find: /^ocpi-toolkit$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'processes',
          include: PROCESSES,
          sequence: { groupOrder: 0 },
          maxWorkers: Math.max(2, cores),
        },
      },
      {
        extends: true,
        test: {
          name: 'in-process',
          include: ['test/**/*.test.ts'],
          exclude: PROCESSES,
          sequence: { groupOrder: 1 },
          // Most of their time is waiting on sockets and timers, not CPU: one worker more
          // than there are cores.
          maxWorkers: Math.max(3, cores + 1),
          // A worker runs file after file in one process: the source is imported and the
          // embedded database's migrated image made once per worker, not once per file
          // (the whole suite took 2,190 s with a process per file, 1,340 s so). Safe because
          // nothing in src/ or test/ keeps state between files but such caches.
          isolate: false,
        },
      },
    ],
  },
});
