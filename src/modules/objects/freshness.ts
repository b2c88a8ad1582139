import { formatDateTime, parseDateTime } from '../../model/datetime.ts';

/** When an object (or a child) says it was last updated; undefined when it does not say. */
export function updatedAt(object: { last_updated?: unknown } | undefined): Date | undefined {
  const value = object?.last_updated;
  return typeof value === 'string' ? parseDateTime(value) : undefined;
}

/**
 * Whether a change is older than what is stored, so that a receiver may ignore it (the
 * spec allows it). The same time again is a re-send and is not older; a change or a
 * stored object without a time is never older.
 */
export function isOlder(change: { last_updated?: unknown }, stored: { last_updated?: unknown }): boolean {
  const incoming = updatedAt(change);
  const current = updatedAt(stored);
  return incoming !== undefined && current !== undefined && incoming.getTime() < current.getTime();
}

/** The later of two DateTimes, written the way the spec asks (either may be absent). */
export function later(a: unknown, b: unknown): string | undefined {
  const times = [a, b]
    .map((v) => (typeof v === 'string' ? parseDateTime(v) : undefined))
    .filter((d): d is Date => d !== undefined);
  if (times.length === 0) return undefined;
  return formatDateTime(new Date(Math.max(...times.map((d) => d.getTime()))));
}
