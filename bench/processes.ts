/**
 * Child processes of bench/served.ts: `ocpi serve` as users run it, the bare Fastify baseline,
 * autocannon; and what /proc says about a process (CPU time, RSS).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Node's arguments that run a TypeScript entry point from source, tsx compiling it (as
 * test/support/cli.ts runs the CLI): no dependence on a dist/ that may be stale or missing.
 */
export function fromSource(entry: URL): string[] {
  return [
    '--import',
    pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
    fileURLToPath(entry),
  ];
}

/** A running child process with its output so far. */
export interface Child {
  child: ChildProcess;
  pid: number;
  /** Bytes written to stdout and stderr since start. */
  outputBytes(): number;
  /** The first 64 KB of output (what it printed at start, and the first log lines). */
  head(): string;
  stop(): Promise<void>;
}

/** Spawns node with `args`; resolves once its output matches `ready`. Output is drained all along. */
export function startNode(args: string[], ready: RegExp, what: string): Promise<Child> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let head = '';
  let bytes = 0;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${what} did not start: ${head}`));
    }, 120_000);
    const read = (chunk: Buffer) => {
      bytes += chunk.length;
      if (head.length < 65_536) head += chunk.toString();
      if (ready.test(head) && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid, outputBytes: () => bytes, head: () => head, stop });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code ?? signal}: ${head}`));
    });
  });
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time (user + system) a process has used so far, in µs. Linux only. */
export async function cpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size of a process, in MB. */
export async function rssMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** What bench/served.ts reads from autocannon's JSON output. */
export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** Runs `command` as its own process and parses what it printed as JSON; rejects if it fails. */
export function jsonOutput<T>(command: string, args: string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${what} exited with ${code}: ${err}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`${what} printed no JSON: ${out} ${err}`));
      }
    });
  });
}

const AUTOCANNON = fileURLToPath(new URL('../node_modules/.bin/autocannon', import.meta.url));

/** Runs autocannon as its own process against `url` and returns its JSON result. */
export function autocannon(
  url: string,
  headers: Record<string, string>,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const args = ['-j', '-c', String(connections), '-d', String(seconds), '-t', '30'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  args.push(url);
  return jsonOutput<LoadResult>(AUTOCANNON, args, 'autocannon');
}
