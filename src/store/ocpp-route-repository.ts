import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { OcppCallTable } from './schema-ocpp-routes.ts';

export type OcppCallRow = Selectable<OcppCallTable>;

type Db = Kysely<Database>;

/** The tables by which instances reach each other's chargers (migration 016). */
export class OcppRouteRepository {
  constructor(readonly db: Db) {}

  /** This instance holds the charger's connection now (taking it from any other). */
  async claim(chargerId: string, instanceId: string, leaseUntil: Date): Promise<void> {
    await this.db
      .insertInto('ocpi_ocpp_connections')
      .values({ charger_id: chargerId, instance_id: instanceId, lease_until: leaseUntil })
      .onConflict((oc) =>
        oc.column('charger_id').doUpdateSet({ instance_id: instanceId, lease_until: leaseUntil }),
      )
      .execute();
  }

  /** Extends the leases of everything this instance holds. */
  async renew(instanceId: string, leaseUntil: Date): Promise<void> {
    await this.db
      .updateTable('ocpi_ocpp_connections')
      .set({ lease_until: leaseUntil })
      .where('instance_id', '=', instanceId)
      .execute();
  }

  /** The connection is gone: forgets it unless another instance took the charger meanwhile. */
  async release(chargerId: string, instanceId: string): Promise<void> {
    await this.db
      .deleteFrom('ocpi_ocpp_connections')
      .where('charger_id', '=', chargerId)
      .where('instance_id', '=', instanceId)
      .execute();
  }

  /** Drops every claim of this instance (it shuts down). */
  async releaseAll(instanceId: string): Promise<void> {
    await this.db.deleteFrom('ocpi_ocpp_connections').where('instance_id', '=', instanceId).execute();
  }

  /** The instance whose lease on the charger runs past `now`, if any. */
  async holder(chargerId: string, now: Date): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('ocpi_ocpp_connections')
      .select('instance_id')
      .where('charger_id', '=', chargerId)
      .where('lease_until', '>', now)
      .executeTakeFirst();
    return row?.instance_id;
  }

  /** Takes the calls waiting for this instance: each is claimed by one taker only. */
  claimCalls(instanceId: string, now: Date): Promise<OcppCallRow[]> {
    return this.db
      .updateTable('ocpi_ocpp_calls')
      .set({ claimed_at: now })
      .where('instance_id', '=', instanceId)
      .where('claimed_at', 'is', null)
      .returningAll()
      .execute();
  }

  /** The outcome of a call, once there is one. */
  async outcome(callId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('ocpi_ocpp_calls')
      .select('outcome')
      .where('call_id', '=', callId)
      .executeTakeFirst();
    return row?.outcome ?? undefined;
  }

  async forget(callId: string): Promise<void> {
    await this.db.deleteFrom('ocpi_ocpp_calls').where('call_id', '=', callId).execute();
  }
}
