import { PGlite } from '@electric-sql/pglite';

/**
 * Postgres settings of the embedded database, chosen for memory (issue 15: a node idles in
 * 200 MB). PGlite's postgres touches its whole buffer pool when it starts, and WebAssembly
 * memory never shrinks, so shared_buffers is resident from the first second: PGlite's 128 MB
 * default made up most of an idle node. With 16 MB (2,048 pages of 8 kB) a few thousand
 * Locations stay cached; pages beyond are read back through the OS's page cache, which costs
 * a copy, not a disk seek.
 */
const SETTINGS = [
  'shared_buffers=16MB',
  // What one CREATE INDEX or VACUUM may take: grown into, the WebAssembly memory keeps it (64 MB by default).
  'maintenance_work_mem=16MB',
];

/** PGlite's own start parameters, then ours (postgres takes the last `-c` of a setting). */
export const PGLITE_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  ...SETTINGS.flatMap((setting) => ['-c', setting]),
];
