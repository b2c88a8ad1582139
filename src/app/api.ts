import type { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { JsonObject } from '../model/json.ts';
import type { ScspChargingProfiles } from '../modules/chargingprofiles/scsp-profiles.ts';
import type { EmspCommands, SentCommand } from '../modules/commands/emsp-commands.ts';
import type { CommandName } from '../modules/commands/names.ts';
import { type TypedCommands, typedCommands } from '../modules/commands/typed-client.ts';
import { syncHubClients } from '../modules/hubclientinfo/client.ts';
import { type PullOptions, type PullProgress, syncFromPartner } from '../modules/objects/client.ts';
import type { ImmutablePublisher, Publisher } from '../modules/objects/publisher.ts';
import type { ObjectModuleId } from '../modules/objects/spec.ts';
import type { PaymentsApi } from '../modules/payments/service.ts';
import { type OcpiNode, versionsUrl } from '../node.ts';
import type { ChargersApi } from '../ocpp/bridge.ts';
import {
  registerWith,
  type UnregisterResult,
  unregisterFrom,
  updateCredentialsWith,
} from '../partners/handshake-client.ts';
import type { HubClient, HubClientChange } from '../partners/hubs.ts';
import type { RegistrationTokenOptions } from '../partners/registry.ts';
import type { Partner } from '../partners/types.ts';
import type { Store } from '../store/store.ts';
import { type Bookings, type BookingsApi, bookingsApi } from './bookings.ts';
import type { ChargingProfiles } from './charging-profiles.ts';
import type { Commands } from './commands.ts';
import type { NodeMetrics } from './metrics.ts';
import { OBJECT_SPECS, type Publishers } from './modules.ts';
import type { Ocpp } from './ocpp.ts';

/** What createOcpiApp() adds to the Fastify instance, as `app.ocpi`. */
export interface OcpiApi {
  /** Our versions URL, to hand to partners with a registration token. */
  versionsUrl(): string;
  /** The admin API's URL (…/admin) once it listens; undefined without an admin token. */
  adminUrl(): string | undefined;
  /** The operator console's URL (…/console) once it listens; undefined without one. */
  consoleUrl(): string | undefined;
  /**
   * Creates a registration token (token A) for a new partner. A token A registers one
   * partner: a used one is refused (OCPI 2001). With `replace`, the unused tokens of the
   * same label are dropped first (e.g. one live bootstrap token per start).
   */
  createRegistrationToken(
    token?: string,
    label?: string,
    options?: RegistrationTokenOptions,
  ): Promise<string>;
  /** Runs the credentials handshake with a partner from our side. */
  registerWith(partnerVersionsUrl: string, tokenA: string): Promise<Partner>;
  /** Rotates tokens with a partner and refreshes its endpoints. */
  updateCredentials(partnerId: string): Promise<Partner>;
  /** Unregisters from a partner and forgets it. */
  unregister(partnerId: string): Promise<UnregisterResult>;
  partners(): Promise<Partner[]>;
  /** Our Locations: put/patch publish them (stored, and pushed to every partner that receives them). */
  readonly locations: Publisher<'locations'>;
  /** Our Tariffs. */
  readonly tariffs: Publisher<'tariffs'>;
  /** Our Tokens (eMSP). */
  readonly tokens: Publisher<'tokens'>;
  /**
   * Our Sessions (CPO): put/patch store them and push them to the eMSP of their token
   * only. A patch appends the `charging_periods` it brings and pushes only those.
   */
  readonly sessions: Publisher<'sessions'>;
  /** Our CDRs (CPO): post stores one (once) and POSTs it to the eMSP of its token. */
  readonly cdrs: ImmutablePublisher<'cdrs'>;
  /** Pulls a module from a partner's sender interface and stores what arrives. */
  sync(partnerId: string, module: ObjectModuleId, options?: PullOptions): Promise<PullProgress>;
  /** 'received' ({ module, partnerId, object }) whenever a partner's push was stored. */
  readonly events: EventEmitter;
  /** Commands: send them to a CPO (eMSP side) and cancel reservations (CPO side). */
  readonly commands: TypedCommands & {
    /**
     * Sends a command (eMSP side), untyped: for requests read from JSON. Resolves with the
     * CPO's answer and a promise of the result; the typed methods do the same. `partnerId`
     * is a partner's id, or a CPO party as 'CC*PID' (reached through the hub that
     * announced it when it is not a partner of ours).
     */
    send(partnerId: string, command: CommandName, request: JsonObject): Promise<SentCommand>;
    get(id: string): ReturnType<EmspCommands['get']>;
    /** CPO side: the charger cancelled a reservation; tells the eMSP (CANCELED_RESERVATION). */
    reservationCancelled(chargerReservationId: string, message?: string): Promise<boolean>;
  };
  /**
   * ChargingProfiles, eMSP/SCSP side (OCPI 2.2+): set, get and clear the profile of a
   * CPO partner's session. Each resolves with the CPO's ChargingProfileResponse and a
   * promise of the result (the CPO's, its refusal, or TIMEOUT after its timeout + grace).
   * `active` gives the latest ActiveChargingProfile the CPO pushed for the session.
   */
  readonly chargingProfiles: Pick<ScspChargingProfiles, 'set' | 'get' | 'clear' | 'active'>;
  /**
   * Bookings (2.3.0): requests, changes and cancellations (eMSP side, to a CPO partner),
   * cancellations of our bookings (CPO side), and BookingLocations: ours to publish (CPO),
   * a partner's to sync and read (eMSP).
   */
  readonly bookings: BookingsApi;
  /** The outbox worker: pending pushes, dead letters, replay. */
  readonly delivery: DeliveryWorker;
  /** The parties behind our hub partners and their connection status (HubClientInfo). */
  readonly hubClients: {
    /** Pulls a hub's ClientInfo list from its sender interface and stores each. */
    sync(partnerId: string, options?: PullOptions): Promise<PullProgress>;
    /** The parties behind one hub, or behind every hub. */
    list(partnerId?: string): Promise<HubClient[]>;
    /** Told of every stored ClientInfo, with the status the party had before; returns the unsubscribe. */
    onChange(listener: (change: HubClientChange) => void): () => void;
  };
  /**
   * Payments (OCPI 2.3.0): a PTP's Terminals and FinancialAdviceConfirmations, and a CPO's
   * assignment of the Terminals PTP partners posted to it.
   */
  readonly payments: PaymentsApi;
  partner(id: string): Promise<Partner | undefined>;
  /**
   * The chargers of the OCPP bridge (CPO), each bound to one of our Locations: add, list,
   * remove. They connect when the `ocpp` option enables the endpoint.
   */
  readonly chargers: ChargersApi;
  readonly store: Store;
  /**
   * The node's Prometheus metrics (a registry of its own). Served as `GET /metrics` on the
   * admin listener when there is one; without one, expose `text()` where you see fit.
   */
  readonly metrics: OcpiMetrics;
}

/** A node's metrics: the exposition text and its content type, and the registry for more. */
export interface OcpiMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  text(): Promise<string>;
}

declare module 'fastify' {
  interface FastifyInstance {
    ocpi: OcpiApi;
  }
}

/** The running parts of a node, wired together: what `app.ocpi` is made of. */
export interface NodeParts {
  node: OcpiNode;
  publishers: Publishers;
  commands: Commands;
  profiles: ChargingProfiles;
  bookings: Bookings;
  delivery: DeliveryWorker;
  payments: PaymentsApi;
  ocpp: Ocpp;
  metrics: NodeMetrics;
}

/** The node's API, `app.ocpi`; `adminUrl` says where the admin API listens, if anywhere. */
export function ocpiApi(
  { node, publishers, commands, profiles, bookings, delivery, payments, ocpp, metrics }: NodeParts,
  adminUrl: () => string | undefined,
  consoleOn: boolean,
): OcpiApi {
  // BookingLocations are offered as app.ocpi.bookings.locations, not beside Locations.
  const { booking_locations: _bookingLocations, ...objectPublishers } = publishers;
  const { registry } = node;
  const send = (partnerId: string, command: CommandName, request: JsonObject) =>
    commands.emsp.send(partnerId, command, request);
  return {
    versionsUrl: () => versionsUrl(node),
    adminUrl,
    consoleUrl: () => (consoleOn ? adminUrl()?.replace(/\/admin$/, '/console') : undefined),
    createRegistrationToken: (token?: string, label?: string, tokenOptions?: RegistrationTokenOptions) =>
      registry.createRegistrationToken(token, label, tokenOptions),
    registerWith: (url: string, tokenA: string) => registerWith(node, url, tokenA),
    updateCredentials: (id: string) => updateCredentialsWith(node, id),
    unregister: (id: string) => unregisterFrom(node, id),
    partners: () => registry.list(),
    partner: (id: string) => registry.get(id),
    ...objectPublishers,
    sync: (partnerId: string, module: ObjectModuleId, pull?: PullOptions) =>
      syncFromPartner(node, partnerId, OBJECT_SPECS[module], pull),
    events: node.events,
    commands: {
      ...typedCommands(send),
      send,
      get: (id) => commands.emsp.get(id),
      reservationCancelled: (chargerReservationId, message) =>
        commands.cpo.cancelReservation(chargerReservationId, message),
    },
    chargingProfiles: {
      set: (partnerId, sessionId, profile) => profiles.scsp.set(partnerId, sessionId, profile),
      get: (partnerId, sessionId, durationSeconds) =>
        profiles.scsp.get(partnerId, sessionId, durationSeconds),
      clear: (partnerId, sessionId) => profiles.scsp.clear(partnerId, sessionId),
      active: (partnerId, sessionId) => profiles.scsp.active(partnerId, sessionId),
    },
    bookings: bookingsApi(node, bookings, publishers),
    delivery,
    hubClients: {
      sync: (partnerId, pull) => syncHubClients(node, partnerId, pull),
      list: (partnerId) => node.hubs.list(partnerId),
      onChange: (listener) => node.hubs.onChange(listener),
    },
    payments,
    chargers: ocpp.chargers,
    store: node.store,
    metrics,
  };
}
