import type { Kysely } from 'kysely';
import type { Tariff } from '../../model/v230/tariffs.ts';
import type { OcpiNode } from '../../node.ts';
import { cdrFields, priceSession } from '../../pricing/calculator.ts';
import type { MeterSample } from '../../pricing/types.ts';
import type { Database } from '../../store/schema.ts';
import { formatDateTime } from '../../transport/datetime.ts';
import type { StagedWrite } from '../objects/publisher.ts';
import type { CanonicalObject } from '../objects/service.ts';
import type { ChargerSessionEvent, GatewayReporter } from './gateway.ts';

type Json = Record<string, unknown>;

/**
 * What the tracker needs from the Sessions and CDRs modules: their writes staged, so
 * that the tracker writes them in one transaction with its own rows.
 */
export interface SessionSink {
  putSession(session: CanonicalObject): Promise<StagedWrite>;
  patchSession(
    ref: { countryCode: string; partyId: string; id: string },
    fields: CanonicalObject,
  ): Promise<StagedWrite>;
  postCdr(cdr: CanonicalObject): Promise<StagedWrite>;
  /** After a commit: starts delivering what the writes enqueued. */
  committed(): void;
}

/**
 * Turns what chargers report into OCPI: a Session when charging starts (with the token
 * and authorization_reference of the START_SESSION), kWh updates while charging, and on
 * stop a completed Session and a CDR priced from the connector's tariff.
 *
 * A session in progress and its meter readings are kept in the store, not in memory: a
 * node that restarts mid-charge (or another instance on the same database) still
 * completes the session and issues its CDR when the charger reports the stop. Each event
 * is one transaction: the live row (or its end) and the Session (and CDR) are written
 * together or not at all, so a crash never leaves a live row without its Session, and a
 * stop for a session already finished is ignored.
 */
export class SessionTracker
  implements Pick<GatewayReporter, 'sessionStarted' | 'sessionProgress' | 'sessionStopped'>
{
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly node: OcpiNode,
    private readonly sink: SessionSink,
  ) {}

  /** Events are handled one at a time, in order. */
  private run(what: string, fn: () => Promise<void>): void {
    this.chain = this.chain
      .then(fn)
      .catch((err: Error) => this.node.log.error({ err }, `session tracking failed: ${what}`));
  }

  /** Resolves when every event so far has been handled (tests, shutdown). */
  idle(): Promise<unknown> {
    return this.chain;
  }

  sessionStarted(event: ChargerSessionEvent): void {
    this.run('start', async () => {
      const command = event.commandId
        ? await this.node.store.db
            .selectFrom('ocpi_commands')
            .select('request')
            .where('id', '=', event.commandId)
            .executeTakeFirst()
        : undefined;
      const request = (command ? JSON.parse(command.request) : {}) as Json;
      const location = await this.node.services.locations.getOwn(event.locationId);
      const token = (request.token ?? {}) as Json;
      const now = formatDateTime(event.at);
      const session: Json = {
        country_code: location?.country_code ?? this.node.parties[0]?.countryCode,
        party_id: location?.party_id ?? this.node.parties[0]?.partyId,
        id: event.sessionId,
        start_date_time: now,
        kwh: 0,
        cdr_token: {
          country_code: token.country_code,
          party_id: token.party_id,
          uid: token.uid,
          type: token.type,
          contract_id: token.contract_id,
        },
        auth_method: 'COMMAND',
        ...(request.authorization_reference
          ? { authorization_reference: request.authorization_reference }
          : {}),
        location_id: event.locationId,
        evse_uid: event.evseUid,
        connector_id: event.connectorId,
        currency: (await this.tariffFor(location, event))?.currency ?? 'EUR',
        status: 'ACTIVE',
        last_updated: now,
      };
      const put = await this.sink.putSession(session);
      const started = await this.node.store.db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('ocpi_live_sessions')
          .values({ session_id: event.sessionId, session: JSON.stringify(session) })
          .onConflict((oc) => oc.column('session_id').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
        await this.addSample(trx, event.sessionId, { timestamp: now, energy_kwh: 0, state: 'CHARGING' });
        await put.apply(trx);
        return true;
      });
      if (started) this.sink.committed();
      else
        this.node.log.warn(
          { session: event.sessionId },
          'session started twice: the second start is ignored',
        );
    });
  }

  sessionProgress(event: ChargerSessionEvent): void {
    this.run('progress', async () => {
      const session = await this.liveSession(event);
      if (!session) return;
      const now = formatDateTime(event.at);
      const patch = await this.sink.patchSession(this.ref(session), { kwh: event.kwh, last_updated: now });
      await this.node.store.db.transaction().execute(async (trx) => {
        await this.addSample(trx, event.sessionId, { timestamp: now, energy_kwh: event.kwh });
        await patch.apply(trx);
      });
      this.sink.committed();
    });
  }

  sessionStopped(event: ChargerSessionEvent): void {
    this.run('stop', async () => {
      const session = await this.liveSession(event);
      if (!session) return;
      const end = formatDateTime(event.at);
      const samples = [...(await this.samples(event.sessionId)), { timestamp: end, energy_kwh: event.kwh }];
      const location = await this.node.services.locations.getOwn(event.locationId);
      const tariff = await this.tariffFor(location, event);
      const costs = tariff
        ? cdrFields(
            priceSession(tariff, {
              start_date_time: String(session.start_date_time),
              end_date_time: end,
              time_zone: String(location?.time_zone ?? 'UTC'),
              samples,
            }),
          )
        : undefined;
      const completed = await this.sink.patchSession(this.ref(session), {
        status: 'COMPLETED',
        end_date_time: end,
        kwh: event.kwh,
        ...(costs ? { total_cost: costs.total_cost } : {}),
        last_updated: end,
      });
      if (!costs || !tariff || !location)
        this.node.log.warn({ session: event.sessionId }, 'no tariff for this connector: no CDR issued');
      // A CDR of this id issued meanwhile (by hand, say) is not issued twice.
      const cdr =
        costs && tariff && location && !(await this.node.services.cdrs.getOwn(event.sessionId))
          ? await this.sink.postCdr(this.cdr(session, event, end, tariff, location, costs))
          : undefined;
      const stopped = await this.node.store.db.transaction().execute(async (trx) => {
        // The live row goes first: of two stops at once (two instances), one ends the session.
        const ended = await trx
          .deleteFrom('ocpi_live_sessions')
          .where('session_id', '=', event.sessionId)
          .executeTakeFirst();
        if (Number(ended.numDeletedRows) === 0) return false;
        await completed.apply(trx);
        await cdr?.apply(trx);
        return true;
      });
      if (stopped) this.sink.committed();
    });
  }

  private cdr(
    session: Json,
    event: ChargerSessionEvent,
    end: string,
    tariff: Tariff,
    location: CanonicalObject,
    costs: ReturnType<typeof cdrFields>,
  ): Json {
    return {
      country_code: session.country_code,
      party_id: session.party_id,
      id: event.sessionId,
      start_date_time: session.start_date_time,
      end_date_time: end,
      session_id: event.sessionId,
      cdr_token: session.cdr_token,
      auth_method: session.auth_method,
      ...(session.authorization_reference
        ? { authorization_reference: session.authorization_reference }
        : {}),
      cdr_location: this.cdrLocation(location, event),
      currency: tariff.currency,
      tariffs: [tariff],
      ...costs,
      last_updated: end,
    };
  }

  /** The Session as it started, if it is still in progress. */
  private async liveSession(event: ChargerSessionEvent): Promise<Json | undefined> {
    const row = await this.node.store.db
      .selectFrom('ocpi_live_sessions')
      .select('session')
      .where('session_id', '=', event.sessionId)
      .executeTakeFirst();
    if (!row)
      this.node.log.warn({ session: event.sessionId }, 'charger reported a session that is not in progress');
    return row ? (JSON.parse(row.session) as Json) : undefined;
  }

  private async addSample(trx: Kysely<Database>, sessionId: string, sample: MeterSample): Promise<void> {
    await trx
      .insertInto('ocpi_session_samples')
      .values({ session_id: sessionId, sample: JSON.stringify(sample) })
      .execute();
  }

  private async samples(sessionId: string): Promise<MeterSample[]> {
    const rows = await this.node.store.db
      .selectFrom('ocpi_session_samples')
      .select('sample')
      .where('session_id', '=', sessionId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => JSON.parse(r.sample) as MeterSample);
  }

  private ref(session: Json) {
    return {
      countryCode: String(session.country_code),
      partyId: String(session.party_id),
      id: String(session.id),
    };
  }

  private connector(
    location: CanonicalObject | undefined,
    event: ChargerSessionEvent,
  ): { evse?: Json; connector?: Json } {
    const evse = (location?.evses as Json[] | undefined)?.find((e) => e.uid === event.evseUid);
    const connector =
      (evse?.connectors as Json[] | undefined)?.find((c) => c.id === event.connectorId) ??
      (evse?.connectors as Json[] | undefined)?.[0];
    return { ...(evse ? { evse } : {}), ...(connector ? { connector } : {}) };
  }

  private async tariffFor(
    location: CanonicalObject | undefined,
    event: ChargerSessionEvent,
  ): Promise<Tariff | undefined> {
    const ids = (this.connector(location, event).connector?.tariff_ids as string[] | undefined) ?? [];
    for (const id of ids) {
      const tariff = await this.node.services.tariffs.getOwn(id);
      if (tariff) return tariff;
    }
    return undefined;
  }

  private cdrLocation(location: CanonicalObject, event: ChargerSessionEvent): Json {
    const { evse, connector } = this.connector(location, event);
    return {
      id: location.id,
      ...(location.name ? { name: location.name } : {}),
      address: location.address,
      city: location.city,
      ...(location.postal_code ? { postal_code: location.postal_code } : {}),
      country: location.country,
      coordinates: location.coordinates,
      evse_uid: event.evseUid,
      evse_id: evse?.evse_id ?? '#NA',
      connector_id: event.connectorId,
      connector_standard: connector?.standard,
      connector_format: connector?.format,
      connector_power_type: connector?.power_type,
    };
  }
}
