import { OcpiError } from '../../transport/errors.ts';
import type { CanonicalObject, ObjectRef } from './service.ts';
import type { ObjectModuleSpec } from './spec.ts';

/** Which identity fields a version's objects carry besides their id. */
export interface IdentityFields {
  /** country_code and party_id (objects name their owner from 2.2 on). */
  owner: boolean;
  /** The token type (the second key part from 2.2 on; 2.1.1 keys tokens by uid alone). */
  subtype: boolean;
}

/**
 * The identity of the object at `path` below a root, as the URL gives it: the id of its
 * level and, at the root, its owner and token type. A write may repeat these, never change them.
 */
export function identityAt(
  spec: ObjectModuleSpec,
  ref: ObjectRef,
  path: string[],
  fields: IdentityFields,
): Record<string, string> {
  const id = path.at(-1);
  if (id !== undefined) {
    const level = spec.children[path.length - 1];
    return level ? { [level.idField]: id } : {};
  }
  return {
    [spec.idField]: ref.id,
    ...(fields.owner ? { country_code: ref.countryCode, party_id: ref.partyId } : {}),
    ...(fields.subtype && spec.subtype && ref.subtype ? { [spec.subtype.field]: ref.subtype } : {}),
  };
}

/**
 * Refuses (2001, naming the field) an object or PATCH whose identity fields differ from
 * the URL's. CiStrings compare case-insensitively, so `nl` is `NL`; absent fields are fine.
 */
export function assertSameIdentity(object: CanonicalObject, identity: Record<string, string>): void {
  for (const [field, expected] of Object.entries(identity)) {
    const actual = object[field];
    if (actual === undefined) continue;
    if (String(actual).toUpperCase() !== expected.toUpperCase()) {
      throw OcpiError.invalid(
        `${field}: ${JSON.stringify(actual)} in the body differs from ${JSON.stringify(expected)} in the URL`,
      );
    }
  }
}

/** A PATCH without the identity fields it repeats: what is stored keeps its own spelling of them. */
export function withoutIdentity(changes: CanonicalObject, identity: Record<string, string>): CanonicalObject {
  const rest = { ...changes };
  for (const field of Object.keys(identity)) delete rest[field];
  return rest;
}
