import type { CodecContextExt } from '../../model/codecs/index.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import { isPartnerParty } from '../../partners/registry.ts';
import type { OwnParty, Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import type { ObjectModuleSpec } from './spec.ts';

/**
 * A partner writes only under the parties it registered: the country_code/party_id of
 * the URL must be one of them.
 */
export function assertPartnerParty(partner: Partner, countryCode: string, partyId: string): void {
  const cc = countryCode.toUpperCase();
  const pid = partyId.toUpperCase();
  if (!isPartnerParty(partner, cc, pid)) {
    throw OcpiError.invalid(
      `${cc}*${pid} is not a party this platform registered; objects may only be written under its own parties`,
    );
  }
}

/**
 * Codec context for objects a partner sends us (pushed or pulled). A 2.1.1 object meant
 * for one party (a Session or CDR, whose token 2.1.1 names by auth_id only) is meant for
 * us: our party of the receiving role owns its token.
 */
export function receivedContext(
  spec: ObjectModuleSpec,
  version: OcpiVersion,
  parties: readonly OwnParty[],
): CodecContextExt {
  if (hasInterfaceRoles(version) || !spec.audience) return {};
  const us = parties.find((p) => spec.receiverRoles.includes(p.role));
  return us ? { emsp: { countryCode: us.countryCode, partyId: us.partyId } } : {};
}

/**
 * Codec context for objects of our own given in a version whose objects name no owner
 * (2.1.1): they belong to our party of the module's owner role. With several such
 * parties the owner is ambiguous, and the object must come in a shape that names it.
 */
export function ownContext(
  spec: ObjectModuleSpec,
  version: OcpiVersion,
  parties: readonly OwnParty[],
): CodecContextExt {
  if (hasInterfaceRoles(version)) return {};
  const owners = parties.filter((p) => p.role === spec.ownerRole);
  const [owner] = owners;
  if (!owner || owners.length > 1)
    throw OcpiError.invalid(
      `${version} ${spec.objectName}s name no owner, and this node has ${owners.length} ${spec.ownerRole} parties; ` +
        'give them in the 2.2.1 or 2.3.0 shape, with country_code and party_id',
    );
  return { countryCode: owner.countryCode, partyId: owner.partyId };
}
