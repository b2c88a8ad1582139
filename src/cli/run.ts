import { main } from './main.ts';

/* The `ocpi` command's process: bin/ocpi.mjs imports the compiled copy, tests run this source with tsx. */
process.exitCode = await main(process.argv.slice(2));
