/**
 * What changed, as a write announces it: `module|owner|objectId|subtype` (the key of a lookup
 * by id, too). `module|owner|` alone, as earlier versions announced every write, is a change
 * of the whole list. Undefined for a message of another shape.
 */
export function changeOf(
  payload: string,
): { module: string; owner: string; object?: { objectId: string; subtype: string } } | undefined {
  const first = payload.indexOf('|');
  const second = first < 0 ? -1 : payload.indexOf('|', first + 1);
  if (second < 0) return undefined;
  const module = payload.slice(0, first);
  const owner = payload.slice(first + 1, second);
  if (second === payload.length - 1) return { module, owner };
  const last = payload.lastIndexOf('|');
  if (last === second) return undefined;
  return {
    module,
    owner,
    object: { objectId: payload.slice(second + 1, last), subtype: payload.slice(last + 1) },
  };
}

/** A cached value: when it was read, and whether a write dropped it since. */
export type Cached<V> = V & { at: number; dropped?: boolean };

/** Drops the entries whose key matches, marking them so a reader holding one knows. */
export function dropWhere<V>(cache: Map<string, Cached<V>>, match: (key: string) => boolean): void {
  for (const [key, entry] of cache)
    if (match(key)) {
      entry.dropped = true;
      cache.delete(key);
    }
}
