// Builds the operator console's page into a folder: its TypeScript compiled by tsc (the
// client's own tsconfig, with the DOM), its static files, and uPlot from node_modules.
// `npm run build` writes dist/console-ui/; the browser tests build into a folder of theirs.
//
//   node scripts/console/build.mjs [outDir]
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** Writes the console's page into `outDir` (emptied first). */
export function buildConsole(outDir = join(root, 'dist/console-ui')) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(
    process.execPath,
    [tsc, '-p', join(root, 'console/tsconfig.json'), '--outDir', join(outDir, 'js')],
    {
      stdio: 'inherit',
    },
  );
  cpSync(join(root, 'console/static'), outDir, { recursive: true });
  const uplot = dirname(require.resolve('uplot/dist/uPlot.esm.js'));
  mkdirSync(join(outDir, 'js/vendor'), { recursive: true });
  mkdirSync(join(outDir, 'vendor'), { recursive: true });
  cpSync(join(uplot, 'uPlot.esm.js'), join(outDir, 'js/vendor/uplot.js'));
  cpSync(join(uplot, 'uPlot.min.css'), join(outDir, 'vendor/uplot.css'));
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  buildConsole(process.argv[2] && resolve(process.argv[2]));
