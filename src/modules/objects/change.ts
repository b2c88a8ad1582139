import { formatDateTime } from '../../model/datetime.ts';
import { parseObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { OcpiError } from '../../transport/errors.ts';
import { newItems } from './append.ts';
import type { CanonicalObject, ObjectRef } from './service.ts';
import { type ObjectModuleSpec, objectNameAt } from './spec.ts';
import { findAt, replaceAt } from './tree.ts';

/** A change to one of our objects, at the root or at a child (an EVSE, a Connector). */
export interface Change {
  ref: ObjectRef;
  path: string[];
  /** POST: a new immutable object (a CDR), sent to the partner's module URL. */
  method: 'PUT' | 'PATCH' | 'DELETE' | 'POST';
  /** The object at `path` after the change (for PUT), or the changed fields (for PATCH). */
  body?: CanonicalObject;
  /** The whole object at `path` after the change: what 2.1.1 partners get instead of a PATCH. */
  whole?: CanonicalObject;
  /** The whole object at `path` before a PATCH: fields that end up unchanged are not sent. */
  before?: CanonicalObject;
  /** For PATCH, the items added to the spec's `appendOnPatch` lists: all a PATCH carries of them. */
  appended?: Record<string, unknown[]>;
  /** The root object after the change (owner, publish flag, audience). */
  root?: CanonicalObject;
}

/** A change that replaces the whole of one of our objects (PUT) or creates it (POST). */
export function wholeChange(ref: ObjectRef, method: 'PUT' | 'POST', object: CanonicalObject): Change {
  return { ref, path: [], method, body: object, whole: object, root: object };
}

/**
 * A PATCH of our object (or of a child) applied to it as stored: the change it makes.
 * `now` (milliseconds since the epoch) is the `last_updated` it gets when `fields` bring none.
 */
export function patchedChange(
  spec: ObjectModuleSpec,
  ref: ObjectRef,
  stored: CanonicalObject | undefined,
  path: string[],
  fields: CanonicalObject,
  now: number,
): Change & { whole: CanonicalObject; root: CanonicalObject } {
  const objectName = objectNameAt(spec, path);
  const current = stored && findAt(stored, spec.children, path);
  if (!stored || !current)
    throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown ${objectName}`, {
      statusCode: spec.unknownStatus,
    });
  const lastUpdated =
    typeof fields.last_updated === 'string' ? fields.last_updated : formatDateTime(new Date(now));
  const changed: CanonicalObject = { ...fields, last_updated: lastUpdated };
  const added: Record<string, unknown[]> = {};
  for (const field of path.length === 0 ? (spec.appendOnPatch ?? []) : []) {
    if (!(field in fields)) continue;
    const items = newItems(current[field], fields[field]);
    added[field] = items;
    changed[field] = [...(Array.isArray(current[field]) ? current[field] : []), ...items];
  }
  const parsed = parseObject('2.3.0', objectName, { ...current, ...changed });
  if (!parsed.ok) throw OcpiError.invalid(`invalid ${objectName}: ${describeIssues(parsed.errors)}`);
  const whole = parsed.value;
  // The parent of `current` exists, so the root always has a place for it.
  const root = replaceAt(stored, spec.children, path, whole, lastUpdated);
  if (!root) throw new OcpiError(spec.unknownStatus, `unknown ${objectName}`);
  return { ref, path, method: 'PATCH', body: changed, whole, before: current, appended: added, root };
}
