import type { OcpiVersion } from '../model/versions.ts';
import type { BusinessDetails } from '../store/schema.ts';
import type { TokenEncoding } from '../transport/token.ts';

declare module '../transport/context.ts' {
  interface OcpiCallerType {
    caller: Caller;
  }
}

/** Roles a party of ours can play. */
export type OwnRole = 'CPO' | 'EMSP' | 'PTP';

export type { BusinessDetails };

/** A party this node speaks for. One node may host several. */
export interface OwnParty {
  countryCode: string;
  partyId: string;
  role: OwnRole;
  businessDetails: BusinessDetails;
}

/** A party behind a partner platform, as the partner announced it. */
export interface PartnerParty {
  /** An open value: CPO, EMSP, HUB, NAP, NSP, OTHER, SCSP, PTP or anything newer. */
  role: string;
  countryCode: string;
  partyId: string;
  businessDetails: BusinessDetails;
}

export interface PartnerEndpoint {
  identifier: string;
  /** Absent in 2.1.1, which has no interface roles. */
  role?: 'SENDER' | 'RECEIVER';
  url: string;
}

/** A platform we exchange OCPI with. Tokens are deliberately not part of this view. */
export interface Partner {
  id: string;
  status: 'pending' | 'registered';
  version: OcpiVersion;
  versionsUrl: string;
  tokenEncoding: TokenEncoding;
  parties: PartnerParty[];
  endpoints: PartnerEndpoint[];
  /** Set when the partner is a hub (2.3.0 hub_party_id). */
  hubPartyId?: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Who is calling, as established from the Authorization header. A request a hub forwards
 * from a party behind it (OCPI-from) is that party's: `partner` is then the hub seen as that
 * party only (its `parties` hold just that one, with the hub's id, endpoints and token), and
 * `hub` is the hub itself.
 */
export type Caller =
  | { kind: 'registration'; tokenHash: string }
  | { kind: 'pending' | 'partner'; tokenHash: string; partner: Partner; hub?: Partner };
