import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { ChargerTable } from './schema-chargers.ts';

export type ChargerRow = Selectable<ChargerTable>;

/** A new charger's row: who it is, its hashed password and where it stands. */
export interface NewChargerRow {
  id: string;
  passwordHash: string;
  countryCode: string;
  partyId: string;
  locationId: string;
  evses: Record<string, string>;
}

type Db = Kysely<Database>;

/** All access to `ocpi_chargers`, the chargers of the OCPP bridge. */
export class ChargerRepository {
  constructor(private readonly db: Db) {}

  /** Adds a charger; false when one with that id exists already (nothing is changed then). */
  async add(row: NewChargerRow): Promise<boolean> {
    const inserted = await this.db
      .insertInto('ocpi_chargers')
      .values({
        id: row.id,
        password_hash: row.passwordHash,
        country_code: row.countryCode,
        party_id: row.partyId,
        location_id: row.locationId,
        evses: JSON.stringify(row.evses),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  get(id: string): Promise<ChargerRow | undefined> {
    return this.db.selectFrom('ocpi_chargers').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<ChargerRow[]> {
    return this.db.selectFrom('ocpi_chargers').selectAll().orderBy('id').execute();
  }

  /** The chargers bound to a Location (by its id), in id order. */
  atLocation(locationId: string): Promise<ChargerRow[]> {
    return this.db
      .selectFrom('ocpi_chargers')
      .selectAll()
      .where('location_id', '=', locationId)
      .orderBy('id')
      .execute();
  }

  /** Removes a charger; false when there was none. */
  async remove(id: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('ocpi_chargers').where('id', '=', id).executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }

  /** The charger connected (online) over `ocppVersion`, or went away (offline). */
  async setOnline(id: string, online: boolean, ocppVersion?: string): Promise<void> {
    await this.db
      .updateTable('ocpi_chargers')
      .set({ online, ...(ocppVersion ? { ocpp_version: ocppVersion } : {}) })
      .where('id', '=', id)
      .execute();
  }

  /** The charger was heard from at `at` (a BootNotification or Heartbeat). */
  async heartbeat(id: string, at: Date): Promise<void> {
    await this.db.updateTable('ocpi_chargers').set({ last_heartbeat: at }).where('id', '=', id).execute();
  }
}
