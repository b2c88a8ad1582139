#!/usr/bin/env node
// The `ocpi` command: runs the compiled toolkit in dist/, which `npm run build` writes.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/run.js', import.meta.url);
if (existsSync(entry)) {
  await import(entry.href);
} else {
  process.stderr.write('ocpi: the toolkit is not built (no dist/ beside bin/): run `npm run build` first\n');
  process.exitCode = 1;
}
