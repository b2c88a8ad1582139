/** Writes the console's page into `outDir` (default dist/console-ui), emptied first; returns it. */
export function buildConsole(outDir?: string): string;
