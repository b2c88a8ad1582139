import { type JsonObject, objectsIn } from '../../model/json.ts';
import { later } from './freshness.ts';
import type { ChildLevel } from './spec.ts';

/** The path from a root object down to a child: the ids at each level. */
export type ChildPath = string[];

/** Finds the object at a path below the root; undefined when a level is missing. */
export function findAt(root: JsonObject, levels: ChildLevel[], path: ChildPath): JsonObject | undefined {
  let node: JsonObject | undefined = root;
  for (let i = 0; i < path.length && node; i++) {
    const level = levels[i];
    node = level && objectsIn(node[level.arrayField]).find((c) => String(c[level.idField]) === path[i]);
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
  root: JsonObject,
  levels: ChildLevel[],
  path: ChildPath,
  child: JsonObject,
  lastUpdated: string,
): JsonObject | undefined {
  const [level] = levels;
  if (path.length === 0 || !level) return path.length === 0 ? child : undefined;
  const items = objectsIn(root[level.arrayField]);
  const index = items.findIndex((c) => String(c[level.idField]) === path[0]);
  const found = items[index];
  let replacement: JsonObject | undefined;
  if (path.length === 1) replacement = child;
  else if (found) replacement = replaceAt(found, levels.slice(1), path.slice(1), child, lastUpdated);
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
