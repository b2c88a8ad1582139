import { formatDateTime } from '../../model/datetime.ts';
import type { CDR } from '../../model/v230/cdrs.ts';
import type { Location } from '../../model/v230/locations.ts';
import type { Session } from '../../model/v230/sessions.ts';
import type { Tariff } from '../../model/v230/tariffs.ts';
import type { OcpiNode } from '../../node.ts';
import { CommandRepository } from '../../store/command-repository.ts';
import { LiveSessionRepository } from '../../store/live-session-repository.ts';
import { OcpiError } from '../../transport/errors.ts';
import { type ChargePoint, cdrOf, chargeCosts, chargePointOf } from '../cdrs/service.ts';
import type { StagedWrite } from '../objects/publisher.ts';
import { invoiceReferenceFor } from '../payments/service.ts';
import { startedSession } from '../sessions/service.ts';
import type { ChargerSessionEvent, GatewayReporter } from './gateway.ts';
import { storedSessionStart } from './schema.ts';

/**
 * What the tracker needs from the Sessions and CDRs modules: their writes staged, so
 * that the tracker writes them in one transaction with its own rows.
 */
export interface SessionSink {
  putSession(session: Session): Promise<StagedWrite>;
  patchSession(
    ref: { countryCode: string; partyId: string; id: string },
    fields: Partial<Session>,
  ): Promise<StagedWrite>;
  postCdr(cdr: CDR): Promise<StagedWrite>;
  /** After a commit: starts delivering what the writes enqueued. */
  committed(): void;
}

/** The connector's tariff (the first of its tariff_ids that is one of ours), and where it is. */
interface ChargeTariff {
  tariff: Tariff;
  point: ChargePoint;
}

/**
 * Turns what chargers report into OCPI: a Session when charging starts (with the token
 * and authorization_reference of the START_SESSION), kWh updates while charging, and on
 * stop a completed Session and a CDR priced from the connector's tariff. The Sessions and
 * CDRs modules make the objects; the tracker keeps the charge and writes them.
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
  private readonly commands: CommandRepository;
  private readonly live: LiveSessionRepository;

  constructor(
    private readonly node: OcpiNode,
    private readonly sink: SessionSink,
  ) {
    this.commands = new CommandRepository(node.store.db);
    this.live = new LiveSessionRepository(node.store.db);
  }

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
      const request = event.commandId ? await this.commands.request(event.commandId) : undefined;
      const stored = storedSessionStart(request);
      const token = stored.token ?? event.token;
      const authorizationReference = stored.authorizationReference;
      if (!token) throw OcpiError.invalid('cdr_token: no token is known for this session');
      const location = await this.node.services.locations.getOwn(event.locationId);
      const party = this.node.parties[0];
      const owner = location ?? (party && { country_code: party.countryCode, party_id: party.partyId });
      if (!owner) throw OcpiError.invalid('country_code: the node has no party to own the session');
      const now = formatDateTime(event.at);
      const session = startedSession({
        id: event.sessionId,
        owner: { country_code: owner.country_code, party_id: owner.party_id },
        start: now,
        token,
        ...(authorizationReference ? { authorizationReference } : {}),
        locationId: event.locationId,
        evseUid: event.evseUid,
        connectorId: event.connectorId,
        currency: (await this.tariffFor(location, event))?.tariff.currency ?? 'EUR',
      });
      const put = await this.sink.putSession(session);
      const started = await this.node.store.db.transaction().execute(async (trx) => {
        if (!(await this.live.start(event.sessionId, session, trx))) return false;
        await this.live.addSample(event.sessionId, { timestamp: now, energy_kwh: 0, state: 'CHARGING' }, trx);
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
        await this.live.addSample(event.sessionId, { timestamp: now, energy_kwh: event.kwh }, trx);
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
      const samples = [
        ...(await this.live.samples(event.sessionId)),
        { timestamp: end, energy_kwh: event.kwh },
      ];
      const location = await this.node.services.locations.getOwn(event.locationId);
      const charge = await this.tariffFor(location, event);
      const costs = charge
        ? chargeCosts(charge.tariff, {
            start: session.start_date_time,
            end,
            timeZone: location?.time_zone ?? 'UTC',
            samples,
          })
        : undefined;
      const completed = await this.sink.patchSession(this.ref(session), {
        status: 'COMPLETED',
        end_date_time: end,
        kwh: event.kwh,
        ...(costs ? { total_cost: costs.total_cost } : {}),
        last_updated: end,
      });
      if (!costs || !charge || !location)
        this.node.log.warn({ session: event.sessionId }, 'no tariff for this connector: no CDR issued');
      // The CPO invoices a payment terminal's session: its CDR says where (payments/service.ts).
      const invoiceReference = await invoiceReferenceFor(this.node, session);
      // A CDR of this id issued meanwhile (by hand, say) is not issued twice.
      const cdr =
        costs && charge && location && !(await this.node.services.cdrs.getOwn(event.sessionId))
          ? await this.sink.postCdr({
              ...cdrOf(session, {
                end,
                location,
                evseUid: event.evseUid,
                connectorId: event.connectorId,
                point: charge.point,
                tariff: charge.tariff,
                costs,
              }),
              ...(invoiceReference ? { invoice_reference_id: invoiceReference } : {}),
            })
          : undefined;
      const stopped = await this.node.store.db.transaction().execute(async (trx) => {
        // The live row goes first: of two stops at once (two instances), one ends the session.
        if (!(await this.live.end(event.sessionId, trx))) return false;
        await completed.apply(trx);
        await cdr?.apply(trx);
        return true;
      });
      if (stopped) this.sink.committed();
    });
  }

  /** The Session as it started, if it is still in progress. */
  private async liveSession(event: ChargerSessionEvent): Promise<Session | undefined> {
    const session = await this.live.find(event.sessionId);
    if (!session)
      this.node.log.warn({ session: event.sessionId }, 'charger reported a session that is not in progress');
    return session;
  }

  private ref(session: Session) {
    return { countryCode: session.country_code, partyId: session.party_id, id: session.id };
  }

  private async tariffFor(
    location: Location | undefined,
    event: ChargerSessionEvent,
  ): Promise<ChargeTariff | undefined> {
    const point = chargePointOf(location, event.evseUid, event.connectorId);
    for (const id of point?.connector.tariff_ids ?? []) {
      const tariff = await this.node.services.tariffs.getOwn(id);
      if (tariff && point) return { tariff, point };
    }
    return undefined;
  }
}
