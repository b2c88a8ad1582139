import type { ColumnType } from 'kysely';
import type { OcpiVersion } from '../model/versions.ts';
import type { BookingTables } from './schema-bookings.ts';
import type { ChargerTables } from './schema-chargers.ts';
import type { CommandTables } from './schema-commands.ts';
import type { HubTables } from './schema-hub.ts';
import type { ObjectTables } from './schema-objects.ts';
import type { OcppTables } from './schema-ocpp.ts';
import type { OcppRouteTables } from './schema-ocpp-routes.ts';
import type { OutboxTables } from './schema-outbox.ts';
import type { PaymentTables } from './schema-payments.ts';
import type { ProfileTables } from './schema-profiles.ts';
import type { LiveSessionTables } from './schema-sessions.ts';

/** A party's name, website and logo, as kept with its role (and shown in partners/types.ts). */
export interface BusinessDetails {
  name: string;
  website?: string;
  logo?: { url: string; thumbnail?: string; category: string; type: string; width?: number; height?: number };
}

/** Which kind of inbound token a row is. */
export type InboundTokenKind = 'registration' | 'partner' | 'pending' | 'spent';

export interface InboundTokenTable {
  /** SHA-256 of the token, hex. Tokens are never stored in clear. */
  token_hash: string;
  kind: InboundTokenKind;
  /**
   * null for registration tokens (token A), which belong to no partner yet, and for spent
   * ones: a token A that registered a partner stays as a 'spent' row, so it is never
   * accepted or created again.
   */
  partner_id: string | null;
  label: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type PartnerStatus = 'pending' | 'registered';

export interface PartnerTable {
  id: string;
  status: PartnerStatus;
  /** The version we speak with this partner: only ever written from a PartnerWrite's OcpiVersion. */
  version: OcpiVersion;
  versions_url: string;
  /** The token we send to this partner (their token C or B). Kept in clear because we must send it. */
  outbound_token: string;
  /** 'base64' or 'raw': how the partner expects our Authorization header. */
  token_encoding: string;
  roles: ColumnType<PartnerRoleRow[], string, string>;
  endpoints: ColumnType<PartnerEndpointRow[], string, string>;
  hub_party_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A party a registered partner claimed: one platform per (country_code, party_id). */
export interface PartnerPartyTable {
  country_code: string;
  party_id: string;
  partner_id: string;
}

export interface PartnerRoleRow {
  role: string;
  country_code: string;
  party_id: string;
  business_details: BusinessDetails;
}

export interface PartnerEndpointRow {
  identifier: string;
  role?: 'SENDER' | 'RECEIVER';
  url: string;
}

export interface Database
  extends ObjectTables,
    OutboxTables,
    CommandTables,
    LiveSessionTables,
    HubTables,
    ProfileTables,
    PaymentTables,
    BookingTables,
    ChargerTables,
    OcppTables,
    OcppRouteTables {
  ocpi_inbound_tokens: InboundTokenTable;
  ocpi_partners: PartnerTable;
  ocpi_partner_parties: PartnerPartyTable;
}
