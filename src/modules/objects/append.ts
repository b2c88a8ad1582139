import { isDeepStrictEqual } from 'node:util';

/**
 * A list extended by the items a PATCH brings for it (a Session's `charging_periods`).
 * Liberal about what "the items it brings" are: a list that starts with every item
 * already there is read as the whole list (what some senders send, and what 2.1.1,
 * which does not say, may mean), so only its tail is new; any other list is appended as
 * a whole. An absent or empty list changes nothing.
 */
export function newItems(before: unknown, given: unknown): unknown[] {
  const old = Array.isArray(before) ? before : [];
  const items = Array.isArray(given) ? given : [];
  const extendsOld =
    old.length > 0 && items.length >= old.length && old.every((item, i) => isDeepStrictEqual(item, items[i]));
  return extendsOld ? items.slice(old.length) : items;
}

/** `before` with the new items of `given` (see newItems) at the end. */
export function appended(before: unknown, given: unknown): unknown[] {
  return [...(Array.isArray(before) ? before : []), ...newItems(before, given)];
}
