import { compareVersions, type OcpiVersion } from '../model/versions.ts';
import { OcpiError } from '../transport/errors.ts';
import { type PartnersContext, versionsUrl } from './context.ts';
import type { BusinessDetails, OwnParty } from './types.ts';

/** Credentials as we send them, in the shape of one version. */
export type OwnCredentials =
  | { token: string; url: string; business_details: BusinessDetails; party_id: string; country_code: string }
  | {
      token: string;
      url: string;
      roles: Array<{
        role: string;
        business_details: BusinessDetails;
        party_id: string;
        country_code: string;
      }>;
    };

/** PTP exists from 2.3.0 on; 2.1.1 has only one flat party. */
export function partiesFor(parties: readonly OwnParty[], version: OcpiVersion): OwnParty[] {
  return parties.filter((p) => p.role !== 'PTP' || compareVersions(version, '2.3.0') >= 0);
}

/** Our Credentials object for a version, carrying the token the partner will use to call us. */
export function ownCredentials(
  node: Pick<PartnersContext, 'parties' | 'publicUrl' | 'basePath'>,
  version: OcpiVersion,
  token: string,
): OwnCredentials {
  const url = versionsUrl(node);
  const parties = partiesFor(node.parties, version);
  if (version === '2.1.1') {
    const party = parties[0] ?? node.parties[0];
    if (!party) throw new OcpiError('OCPI_ERR_CONFIG', 'a node needs at least one own party');
    return {
      token,
      url,
      business_details: party.businessDetails,
      party_id: party.partyId,
      country_code: party.countryCode,
    };
  }
  return {
    token,
    url,
    roles: parties.map((p) => ({
      role: p.role,
      business_details: p.businessDetails,
      party_id: p.partyId,
      country_code: p.countryCode,
    })),
  };
}
