import { later } from './freshness.ts';
import type { ChildLevel } from './spec.ts';

type Json = Record<string, unknown>;

/** The path from a root object down to a child: the ids at each level. */
export type ChildPath = string[];

/** Finds the object at a path below the root; undefined when a level is missing. */
export function findAt(root: Json, levels: ChildLevel[], path: ChildPath): Json | undefined {
  let node: Json | undefined = root;
  for (let i = 0; i < path.length && node; i++) {
    const level = levels[i] as ChildLevel;
    const items: unknown = node[level.arrayField];
    node = Array.isArray(items)
      ? (items as Json[]).find((c) => String(c[level.idField]) === path[i])
      : undefined;
  }
  return node;
}

/**
 * Returns a copy of the root with the object at `path` replaced (or added when its
 * parent exists), and `last_updated` of every ancestor set to the child's, as the spec
 * asks, unless the ancestor's is later already: an ancestor's time never goes back, or
 * an older write of the whole object could pass for a newer one. Undefined when a
 * parent level is missing.
 */
export function replaceAt(
  root: Json,
  levels: ChildLevel[],
  path: ChildPath,
  child: Json,
  lastUpdated: string,
): Json | undefined {
  if (path.length === 0) return child;
  const level = levels[0] as ChildLevel;
  const items = Array.isArray(root[level.arrayField]) ? (root[level.arrayField] as Json[]) : [];
  const index = items.findIndex((c) => String(c[level.idField]) === path[0]);
  let replacement: Json | undefined;
  if (path.length === 1) replacement = child;
  else if (index >= 0)
    replacement = replaceAt(items[index] as Json, levels.slice(1), path.slice(1), child, lastUpdated);
  if (!replacement) return undefined;
  const next = items.slice();
  if (index >= 0) next[index] = replacement;
  else next.push(replacement);
  return {
    ...root,
    [level.arrayField]: next,
    last_updated: later(root.last_updated, lastUpdated) ?? lastUpdated,
  };
}
