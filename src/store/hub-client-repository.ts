import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { HubClientStatus, HubClientTable } from './schema-hub.ts';

export type { HubClientStatus };
export type HubClientRow = Selectable<HubClientTable>;

/** A party behind a hub, as the rest of the node sees it. */
export interface HubClient {
  /** The hub partner's id. */
  partnerId: string;
  countryCode: string;
  partyId: string;
  role: string;
  status: HubClientStatus;
  lastUpdated: Date;
}

type Db = Kysely<Database>;

function toClient(row: HubClientRow): HubClient {
  return {
    partnerId: row.partner_id,
    countryCode: row.country_code,
    partyId: row.party_id,
    role: row.role,
    status: row.status,
    lastUpdated: new Date(row.last_updated),
  };
}

/**
 * All access to `ocpi_hub_clients`: the parties each hub partner announced through
 * HubClientInfo and their connection status. Party keys are stored upper case.
 */
export class HubClientRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a ClientInfo; returns the status it had before (undefined when new). In one
   * transaction, the old row locked while it is read: two reports of one party at once each
   * see the status the other left, not the same one.
   */
  async put(client: HubClient, now: Date, db: Db = this.db): Promise<HubClientStatus | undefined> {
    const key = {
      partner_id: client.partnerId,
      country_code: client.countryCode.toUpperCase(),
      party_id: client.partyId.toUpperCase(),
    };
    const fields = {
      role: client.role,
      status: client.status,
      last_updated: client.lastUpdated,
      updated_at: now,
    };
    const write = async (trx: Db) => {
      const before = await trx
        .selectFrom('ocpi_hub_clients')
        .select('status')
        .where('partner_id', '=', key.partner_id)
        .where('country_code', '=', key.country_code)
        .where('party_id', '=', key.party_id)
        .forUpdate()
        .executeTakeFirst();
      await trx
        .insertInto('ocpi_hub_clients')
        .values({ ...key, ...fields })
        .onConflict((oc) => oc.columns(['partner_id', 'country_code', 'party_id']).doUpdateSet(fields))
        .execute();
      return before?.status;
    };
    return db.isTransaction ? write(db) : db.transaction().execute(write);
  }

  /** One party behind one hub. */
  async get(partnerId: string, countryCode: string, partyId: string): Promise<HubClient | undefined> {
    const row = await this.db
      .selectFrom('ocpi_hub_clients')
      .selectAll()
      .where('partner_id', '=', partnerId)
      .where('country_code', '=', countryCode.toUpperCase())
      .where('party_id', '=', partyId.toUpperCase())
      .executeTakeFirst();
    return row && toClient(row);
  }

  /** The parties behind one hub, or behind every hub, by party. */
  async list(partnerId?: string): Promise<HubClient[]> {
    let query = this.db.selectFrom('ocpi_hub_clients').selectAll();
    if (partnerId !== undefined) query = query.where('partner_id', '=', partnerId);
    const rows = await query.orderBy('country_code').orderBy('party_id').execute();
    return rows.map(toClient);
  }

  /** The hubs through which a party is reachable (usually one). */
  async hubsOf(countryCode: string, partyId: string): Promise<HubClient[]> {
    const rows = await this.db
      .selectFrom('ocpi_hub_clients')
      .selectAll()
      .where('country_code', '=', countryCode.toUpperCase())
      .where('party_id', '=', partyId.toUpperCase())
      .execute();
    return rows.map(toClient);
  }
}
