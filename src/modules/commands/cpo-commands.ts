import { randomUUID } from 'node:crypto';
import { enqueue } from '../../delivery/outbox.ts';
import { commandResultToV211 } from '../../model/codecs/index.ts';
import { renderObject } from '../../model/objects.ts';
import type { DisplayText } from '../../model/v230/common.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { hubParty } from '../../partners/hubs.ts';
import { parsePartyKey, partyKeyOf } from '../../partners/routing.ts';
import type { Partner } from '../../partners/types.ts';
import { CommandRepository } from '../../store/command-repository.ts';
import { type ReservationOwner, ReservationRepository } from '../../store/reservation-repository.ts';
import type { BookingGuard } from '../bookings/service.ts';
import type { Verdict } from './checks.ts';
import { displayTextsOf } from './decide.ts';
import type {
  ChargerCommand,
  ChargerGateway,
  ChargerOutcome,
  ChargerSessionEvent,
  GatewayReporter,
} from './gateway.ts';
import { COMMAND_OBJECTS } from './names.ts';
import { cpoRoutingHeaders, ReceivedRequests } from './received-requests.ts';
import type { ResultBacklogOptions } from './result-backlog.ts';
import { type CommandResult, type ReceivedCommand, storedSessionStart } from './schema.ts';

type ProfileHandler = Pick<GatewayReporter, 'profileOutcome' | 'activeProfileChanged'>;

type ReservationCommand = Extract<ChargerCommand, { type: 'RESERVE_NOW' | 'CANCEL_RESERVATION' }>;

/** What a decision added to an accepted command. */
export interface AcceptedCommand {
  /** Seconds to wait for the charger, instead of the node's timeout. */
  timeoutSeconds?: number;
  /** The result, known already: sent at once, and the charger is not asked. */
  outcome?: { result: ChargerOutcome; message?: string | DisplayText[] };
}

export interface CpoCommandOptions {
  gateway: ChargerGateway;
  /** Seconds announced in CommandResponse.timeout; TIMEOUT is sent when the charger has not answered by then (default 30). */
  timeoutSeconds: number;
  /** Called after each commit that enqueued something. */
  wake: () => void;
  /** How many of a partner's CommandResults may wait to be sent before its new commands wait. */
  resultBacklog: ResultBacklogOptions;
  /** Session events from the gateway (Sessions and CDRs hook in here). */
  sessions?: Pick<GatewayReporter, 'sessionStarted' | 'sessionProgress' | 'sessionStopped'>;
}

/**
 * The CPO half of commands after the synchronous checks: the command is persisted, the
 * charger is asked without waiting, and exactly one CommandResult (the charger's, or
 * TIMEOUT) goes to the response_url through the outbox, even across restarts.
 */
export class CpoCommands {
  private readonly reporter: GatewayReporter;
  private profiles: ProfileHandler | undefined;
  private bookings: BookingGuard | undefined;
  private readonly received: ReceivedRequests;
  private readonly reservations: ReservationRepository;
  private readonly commands: CommandRepository;

  constructor(
    private readonly node: OcpiNode,
    private readonly options: CpoCommandOptions,
  ) {
    this.reservations = new ReservationRepository(node.store.db);
    this.commands = new CommandRepository(node.store.db);
    this.received = new ReceivedRequests(node, {
      names: Object.keys(COMMAND_OBJECTS),
      timeoutSeconds: options.timeoutSeconds,
      wake: options.wake,
      expire: (id) => this.complete(id, 'TIMEOUT'),
      results: { kind: 'command-result', ...options.resultBacklog },
    });
    const ignore = () => {};
    this.reporter = {
      outcome: (id, outcome, message) => {
        this.complete(id, outcome, message).catch((err: Error) =>
          node.log.error({ err, command: id }, 'could not record a charger outcome'),
        );
      },
      sessionStarted: (e) => {
        if (options.sessions) options.sessions.sessionStarted(e);
        this.bookingSessionStarted(e);
      },
      sessionProgress: (e) => (options.sessions ? options.sessions.sessionProgress(e) : ignore()),
      sessionStopped: (e) => (options.sessions ? options.sessions.sessionStopped(e) : ignore()),
      profileOutcome: (id, result, active) => this.profiles?.profileOutcome(id, result, active),
      activeProfileChanged: (sessionId, active) => this.profiles?.activeProfileChanged(sessionId, active),
      reservationCancelled: (id, message) => {
        this.cancelReservation(id, message).catch((err: Error) =>
          node.log.error({ err, reservation: id }, 'could not send a charger cancellation'),
        );
      },
    };
  }

  /** The reporter the gateway is handed: ChargingProfiles passes it with its requests. */
  get gatewayReporter(): GatewayReporter {
    return this.reporter;
  }

  /** What START_SESSION meets of the bookings (the Bookings CPO side). */
  handleBookings(guard: BookingGuard): void {
    this.bookings = guard;
  }

  /**
   * A START_SESSION on a booked EVSE during its slot (or naming no EVSE on a Location
   * with booked EVSEs): refused unless its token or authorization_reference is the
   * booking's. Undefined: no booking stands in the way.
   */
  async bookingVerdict(received: ReceivedCommand): Promise<{ refused: Verdict } | undefined> {
    if (received.command !== 'START_SESSION' || !this.bookings) return undefined;
    const { request } = received;
    const verdict = await this.bookings.checkStart({
      locationId: request.location_id,
      ...(request.evse_uid === undefined ? {} : { evseUid: request.evse_uid }),
      tokenUid: request.token.uid,
      ...(request.authorization_reference === undefined
        ? {}
        : { authorizationReference: request.authorization_reference }),
    });
    return verdict.kind === 'booked'
      ? { refused: { result: 'REJECTED', message: verdict.message } }
      : undefined;
  }

  /**
   * A session the charger started for a START_SESSION: the booking it uses (by the
   * command's token or authorization_reference, on its EVSE) is FULFILLED. A session
   * started locally (no command) carries no token we know. Failures are logged: the
   * session goes on.
   */
  private bookingSessionStarted(event: ChargerSessionEvent): void {
    const bookings = this.bookings;
    const commandId = event.commandId;
    if (!bookings || !commandId) return;
    const fulfil = async () => {
      const { token, authorizationReference } = storedSessionStart(await this.commands.request(commandId));
      if (!token) return;
      await bookings.sessionStarted({
        locationId: event.locationId,
        evseUid: event.evseUid,
        tokenUid: token.uid,
        ...(authorizationReference ? { authorizationReference } : {}),
        at: event.at,
      });
    };
    fulfil().catch((err: Error) =>
      this.node.log.error({ err, session: event.sessionId }, 'could not fulfil the booking of a session'),
    );
  }

  /** Where the charger's profile outcomes and changes go (the ChargingProfiles CPO side). */
  handleProfiles(handler: ProfileHandler): void {
    this.profiles = handler;
  }

  get timeoutSeconds(): number {
    return this.received.timeoutSeconds;
  }

  /**
   * Persists an accepted command, then hands it to the charger, or settles it at once with
   * the outcome a decision gave. Returns undefined when the same command with the same
   * response_url was accepted within its timeout: a duplicate, answered alike but executed once.
   */
  async accept(
    partner: Partner,
    version: OcpiVersion,
    received: ReceivedCommand,
    decided: AcceptedCommand = {},
  ): Promise<string | undefined> {
    // The party that asked: through a hub, `partner` is the hub seen as that party only; a
    // hub asking for itself (no OCPI-from) is answered at its own party.
    const asking = hubParty(partner) ?? partner.parties.find((p) => p.role === 'EMSP') ?? partner.parties[0];
    const party = asking ? partyKeyOf(asking) : '';
    const accepted = await this.received.insert({
      partner,
      version,
      command: received.command,
      request: received.request,
      responseUrl: received.request.response_url,
      ...(party ? { party } : {}),
      ...(decided.timeoutSeconds === undefined ? {} : { timeoutSeconds: decided.timeoutSeconds }),
    });
    if (!accepted) return undefined;
    const { id, deadline } = accepted;
    let charger = toChargerCommand(id, received);
    if (charger.type === 'RESERVE_NOW' || charger.type === 'CANCEL_RESERVATION') {
      const reservation = charger;
      const responseUrl = received.request.response_url;
      try {
        charger = await this.node.store.db
          .transaction()
          .execute((trx) =>
            this.reservationStep(trx, { partnerId: partner.id, party }, version, responseUrl, reservation),
          );
      } catch (err) {
        this.received.forget(id);
        throw err;
      }
    }
    this.received.arm(id, deadline);
    const { outcome } = decided;
    if (outcome) {
      this.complete(id, outcome.result, outcome.message).catch((err: Error) =>
        this.node.log.error({ err, command: id }, 'could not record a decided outcome'),
      );
    } else if (charger.type === 'CANCEL_RESERVATION' && charger.reservationId === '') {
      // Nothing to ask the charger: the reservation is not (or no longer) known.
      this.reporter.outcome(id, 'UNKNOWN_RESERVATION');
    } else {
      Promise.resolve()
        .then(() => this.options.gateway.execute(charger, this.reporter))
        .catch((err: Error) =>
          this.node.log.error({ err, command: id }, 'charger gateway failed; TIMEOUT will follow'),
        );
    }
    return id;
  }

  /** Reservation ids as the charger sees them: unique across eMSPs, stable for a replaced reservation. */
  private async reservationStep(
    trx: OcpiNode['store']['db'],
    owner: ReservationOwner,
    version: OcpiVersion,
    responseUrl: string,
    charger: ReservationCommand,
  ): Promise<ChargerCommand> {
    if (charger.type === 'RESERVE_NOW')
      return {
        ...charger,
        reservationId: await this.mapReservation(trx, owner, version, responseUrl, charger),
      };
    const row = await this.reservations.findActive(owner, charger.reservationId, trx);
    if (!row) return { ...charger, reservationId: '' };
    await this.reservations.update(owner, charger.reservationId, { status: 'cancelled' }, trx);
    return {
      ...charger,
      reservationId: row.charger_reservation_id,
      locationId: row.location_id,
      ...(row.evse_uid ? { evseUid: row.evse_uid } : {}),
    };
  }

  /** The same reservation_id again replaces the reservation and keeps its charger id. */
  private async mapReservation(
    trx: OcpiNode['store']['db'],
    owner: ReservationOwner,
    version: OcpiVersion,
    responseUrl: string,
    charger: Extract<ChargerCommand, { type: 'RESERVE_NOW' }>,
  ): Promise<string> {
    const reservationId = charger.reservationId;
    const existing = await this.reservations.find(owner, reservationId, trx);
    const chargerId = existing?.charger_reservation_id ?? randomUUID();
    const row = {
      location_id: charger.locationId,
      evse_uid: charger.evseUid ?? null,
      response_url: responseUrl,
      version,
      status: 'active' as const,
      expiry_date: new Date(charger.expiryDate),
    };
    if (existing) await this.reservations.update(owner, reservationId, row, trx);
    else
      await this.reservations.insert(
        {
          partner_id: owner.partnerId,
          party: owner.party,
          reservation_id: reservationId,
          charger_reservation_id: chargerId,
        },
        row,
        trx,
      );
    return chargerId;
  }

  /**
   * Records the outcome and enqueues the CommandResult, once: the row moves from pending
   * in the same transaction, so a late charger answer after TIMEOUT (or a second node)
   * finds nothing to do.
   */
  async complete(
    id: string,
    outcome: ChargerOutcome | 'TIMEOUT',
    message?: string | DisplayText[],
  ): Promise<boolean> {
    const texts = displayTextsOf(message);
    const result: CommandResult = { result: outcome, ...(texts ? { message: texts } : {}) };
    const sent = await this.received.settle(
      id,
      outcome === 'TIMEOUT' ? 'timed_out' : 'done',
      outcome,
      async (row, partner) => ({
        messages: [this.resultMessage(partner, row.version, id, row.response_url, result, row.party)],
      }),
    );
    if (!sent) {
      if (outcome !== 'TIMEOUT')
        this.node.log.warn(
          { command: id, outcome },
          'charger answered after the command was already answered (late after TIMEOUT); not sent',
        );
      return false;
    }
    return true;
  }

  /** CPO-initiated cancellation: CANCELED_RESERVATION goes to the original RESERVE_NOW's response_url. */
  async cancelReservation(chargerReservationId: string, message?: string): Promise<boolean> {
    const row = await this.reservations.findActiveForCharger(chargerReservationId);
    const partner = row && (await this.node.registry.get(row.partner_id));
    if (!row || !partner) return false;
    const party = row.party || undefined;
    await this.node.store.db.transaction().execute(async (trx) => {
      await this.reservations.cancelForCharger(chargerReservationId, trx);
      const texts = displayTextsOf(message);
      const result: CommandResult = { result: 'CANCELED_RESERVATION', ...(texts ? { message: texts } : {}) };
      await enqueue(
        trx,
        this.resultMessage(
          partner,
          row.version,
          `reservation-${chargerReservationId}`,
          row.response_url,
          result,
          party,
        ),
      );
    });
    this.options.wake();
    return true;
  }

  private resultMessage(
    partner: Partner,
    version: OcpiVersion,
    id: string,
    responseUrl: string,
    result: CommandResult,
    party?: string | null,
  ) {
    // 2.1.1 posts its CommandResponse shape to the response_url; 2.2+ a CommandResult.
    const body =
      version === '2.1.1' ? commandResultToV211(result) : renderObject(version, 'CommandResult', result);
    // To the party that asked (behind a hub: OCPI-to names it, the hub passes it on).
    const them = (party ? parsePartyKey(party) : undefined) ?? partner.parties[0];
    return {
      partnerId: partner.id,
      orderingKey: `commands/${id}`,
      method: 'POST' as const,
      url: responseUrl,
      body,
      kind: 'command-result',
      ...cpoRoutingHeaders(this.node, partner, version, them),
    };
  }

  /** After a restart: TIMEOUT for what expired while we were down, timers for the rest. */
  async resume(): Promise<void> {
    await this.received.resume();
    this.options.gateway.attach?.(this.reporter);
  }

  stop(): void {
    this.received.stop();
  }
}

function toChargerCommand(id: string, { command, request }: ReceivedCommand): ChargerCommand {
  switch (command) {
    case 'START_SESSION':
      return {
        type: 'START_SESSION',
        commandId: id,
        locationId: request.location_id,
        ...(request.evse_uid === undefined ? {} : { evseUid: request.evse_uid }),
        ...(request.connector_id === undefined ? {} : { connectorId: request.connector_id }),
        token: request.token,
        ...(request.authorization_reference === undefined
          ? {}
          : { authorizationReference: request.authorization_reference }),
      };
    case 'STOP_SESSION':
      return { type: 'STOP_SESSION', commandId: id, sessionId: request.session_id };
    case 'RESERVE_NOW':
      return {
        type: 'RESERVE_NOW',
        commandId: id,
        locationId: request.location_id,
        ...(request.evse_uid === undefined ? {} : { evseUid: request.evse_uid }),
        reservationId: request.reservation_id,
        expiryDate: request.expiry_date,
        token: request.token,
      };
    case 'CANCEL_RESERVATION':
      return {
        type: 'CANCEL_RESERVATION',
        commandId: id,
        reservationId: request.reservation_id,
        locationId: '',
      };
    case 'UNLOCK_CONNECTOR':
      return {
        type: 'UNLOCK_CONNECTOR',
        commandId: id,
        locationId: request.location_id,
        evseUid: request.evse_uid,
        connectorId: request.connector_id,
      };
  }
}
