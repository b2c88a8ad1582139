import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { freshSchema, POSTGRES_URL, storeCases } from './stores.ts';

/**
 * Node's arguments that run the `ocpi` command from source, tsx compiling it: tests never
 * depend on a dist/ that may be stale or missing (bin/ocpi.mjs runs that one).
 */
const OCPI_FROM_SOURCE = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url)),
];
const run = promisify(execFile);
/** Processes still running, with a promise of their exit. */
const running = new Map<ChildProcess, Promise<void>>();

/** An `ocpi serve` process, with what it printed. */
export interface Served {
  base: string;
  versionsUrl: string;
  bootstrapToken: string;
  /** The admin API, on its own loopback listener: what `--node` takes. */
  adminUrl: string;
  adminToken: string;
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Sends `signal` (SIGKILL: no shutdown at all) and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `ocpi serve` as its own process and reads what it prints. `args` come after
 * the defaults (random ports, memory, log level warn), so they override them. It must have
 * printed all of it within `startTimeoutMs` (default 60 s).
 */
export function serve(args: string[], { startTimeoutMs = 60_000 } = {}): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      ...OCPI_FROM_SOURCE,
      'serve',
      ...['--port', '0', '--admin-port', '0', '--data', 'memory'],
      ...['--log-level', 'warn', ...args],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  running.set(child, exited);
  void exited.then(() => running.delete(child));
  let out = '';
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ocpi serve did not start: ${out}`)), startTimeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const versionsUrl = /versions URL:\s+(\S+)/.exec(out)?.[1];
      const bootstrapToken = /bootstrap token:\s+(\S+)/.exec(out)?.[1];
      const adminToken = /admin token:\s+(\S+)/.exec(out)?.[1];
      const adminUrl = /admin URL:\s+(\S+)/.exec(out)?.[1];
      if (versionsUrl && bootstrapToken && adminToken && adminUrl) {
        clearTimeout(timer);
        resolve({
          versionsUrl,
          bootstrapToken,
          adminToken,
          adminUrl,
          base: versionsUrl.replace(/\/ocpi\/versions$/, ''),
          child,
          output: () => out,
          kill,
        });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`ocpi serve exited with ${code ?? signal}: ${out}`));
    });
  });
}

/** Stops every `ocpi serve` still running (for afterAll). */
export async function stopAllServed(): Promise<void> {
  for (const child of running.keys()) child.kill('SIGTERM');
  await Promise.all(running.values());
}

/** Runs an `ocpi` command and returns what it printed. */
export async function ocpi(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [...OCPI_FROM_SOURCE, ...args]);
  return stdout;
}

/**
 * Starts a long-running `ocpi` command (e.g. `ocpi charger`) as its own process; resolves
 * once its output matches `ready`, with the child and its output so far.
 */
export function spawnOcpi(
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; output(): string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...OCPI_FROM_SOURCE, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  running.set(child, exited);
  void exited.then(() => running.delete(child));
  let out = '';
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ocpi ${args[0]} did not get ready: ${out}`)), 60_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out, stop });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`ocpi ${args[0]} exited with ${code ?? signal}: ${out}`));
    });
  });
}

/** A port free on 127.0.0.1 right now, for a node that must come back on the same one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Where an `ocpi serve` keeps its data across restarts: its options, and how to clean up. */
export interface ServedStore {
  args: string[];
  remove(): Promise<void>;
}

/** A PGlite directory of its own. */
export async function servedPglite(): Promise<ServedStore> {
  const dir = await mkdtemp(join(tmpdir(), 'ocpi-served-'));
  return { args: ['--data', dir], remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A fresh PostgreSQL schema (dropped with the others after the run). */
export async function servedPostgres(): Promise<ServedStore> {
  return {
    args: ['--database-url', POSTGRES_URL, '--database-schema', freshSchema()],
    remove: async () => {},
  };
}

/** Both stores, named, for `describe.each`. */
export const SERVED_STORES: Array<[string, () => Promise<ServedStore>]> = storeCases(
  servedPglite,
  servedPostgres,
);
