import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { errorCode } from '../transport/errors.ts';

/**
 * A running process, as far as leases go: the host (and, on Linux, the pid namespace:
 * containers that share a host name do not share pids), its pid, and when it started.
 * The start time tells apart two processes that got the same pid, e.g. a container
 * restarted as pid 1.
 */
export interface ProcessIdentity {
  host: string;
  pid: number;
  /** Start of the process, ms since the epoch (performance.timeOrigin: every thread sees the same). */
  started: number;
}

/** This process. */
export function thisProcess(): ProcessIdentity {
  return { host: hostAndPidNamespace(), pid: process.pid, started: Math.round(performance.timeOrigin) };
}

function hostAndPidNamespace(): string {
  try {
    const ns = /\d+/.exec(readlinkSync('/proc/self/ns/pid'))?.[0];
    return ns ? `${hostname()}~${ns}` : hostname();
  } catch {
    return hostname(); // no /proc: not Linux
  }
}

/** A lease holder id for a new worker of this process: host:pid:started:random. */
export function newHolderId(self: ProcessIdentity): string {
  return `${self.host}:${self.pid}:${self.started}:${randomUUID().slice(0, 8)}`;
}

/**
 * Whether the worker that wrote `holder` is certainly gone, so that its leases may be
 * taken over at once rather than when they expire: a worker of this host whose process
 * no longer runs, or whose pid is now this process's but which did not run in this
 * process (it started at another time: the pid was reused after it died). Leases of
 * other hosts, of other live processes and of other workers of this process are not
 * judged: they run out as usual. Holder ids of another shape (set by the user) neither.
 * Ids of older versions (host:pid:random) are judged by their pid alone.
 */
export function holderIsGone(
  holder: string,
  self: ProcessIdentity,
  processRuns: (pid: number) => boolean,
): boolean {
  const parts = holder.split(':');
  const legacy = parts.length === 3;
  if (parts.length !== 4 && !legacy) return false;
  const [host, pidText, startedText] = parts;
  if (host !== self.host && !(legacy && host === self.host.split('~')[0])) return false;
  if (!pidText || !/^\d+$/.test(pidText)) return false;
  const pid = Number(pidText);
  if (pid === self.pid) return legacy || startedText !== String(self.started);
  return !processRuns(pid);
}

/** Whether a process of this host runs (a process of another user counts as running). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) !== 'ESRCH';
  }
}
