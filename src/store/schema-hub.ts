import type { ColumnType } from 'kysely';

/** A hub's connection to one party behind it, as the hub reported in a ClientInfo. */
export type HubClientStatus = 'CONNECTED' | 'OFFLINE' | 'PLANNED' | 'SUSPENDED';

/** A party reachable through a hub partner (HubClientInfo), kept per hub. */
export interface HubClientTable {
  /** The hub: a registered partner. */
  partner_id: string;
  /** Upper case, as every stored party key. */
  country_code: string;
  party_id: string;
  /** The party's role as the hub reported it (2.3.0 Role, or 2.2.1 HUB read as is). */
  role: string;
  status: HubClientStatus;
  /** The ClientInfo's last_updated. */
  last_updated: ColumnType<Date, Date, Date>;
  /** When we stored it. */
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface HubTables {
  ocpi_hub_clients: HubClientTable;
}
