import { setFlagsFromString } from 'node:v8';

/**
 * Keeps this process's WebAssembly on V8's baseline compiler (Liftoff), which every function
 * runs on first anyway. The embedded database is postgres compiled to WebAssembly: with V8's
 * default tier-up, the optimizing compiler recompiles whichever postgres functions run hot,
 * and an idle node kept about 50 MB more (issue 15). Point reads and writes, what a node does,
 * cost the same either way; CPU-heavy queries (scans, sorts) take about 1.5× longer. Must run
 * before PGlite compiles its module (the first store opened in the process); it applies to
 * the whole process, so only the CLI, which owns it, calls it.
 */
export function keepWasmOnBaselineCompiler(): void {
  setFlagsFromString('--liftoff-only');
}
