import { EventEmitter } from 'node:events';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginCallback,
  type FastifyServerOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import { type AdminListener, mountAdmin } from './admin/mount.ts';
import { MIN_ADMIN_TOKEN_LENGTH } from './admin/routes.ts';
import { OcpiHttpClient, type OcpiHttpOptions } from './client/ocpi-http.ts';
import type { OutboundUrlPolicy } from './client/url-guard.ts';
import { type Clock, systemClock } from './clock.ts';
import { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from './delivery/worker.ts';
import { isSupportedVersion, type OcpiVersion, SUPPORTED_VERSIONS } from './model/versions.ts';
import { cdrsModule, cdrsSpec } from './modules/cdrs/module.ts';
import { CpoCommands } from './modules/commands/cpo-commands.ts';
import { EmspCommands, type SentCommand } from './modules/commands/emsp-commands.ts';
import type { ChargerGateway } from './modules/commands/gateway.ts';
import { commandsModule } from './modules/commands/module.ts';
import type { CommandName } from './modules/commands/names.ts';
import type { ResponseUrlPolicy } from './modules/commands/response-url.ts';
import { SessionTracker } from './modules/commands/session-tracker.ts';
import { type TypedCommands, typedCommands } from './modules/commands/typed-client.ts';
import { credentialsModule } from './modules/credentials/module.ts';
import { locationsModule, locationsSpec } from './modules/locations/module.ts';
import type { CanonicalObjects } from './modules/objects/canonical.ts';
import { type PullOptions, type PullProgress, syncFromPartner } from './modules/objects/client.ts';
import { type ImmutablePublisher, Publisher } from './modules/objects/publisher.ts';
import { type ObjectService, type ObjectServices, StoreObjectService } from './modules/objects/service.ts';
import type { ObjectModuleId } from './modules/objects/spec.ts';
import { sessionsModule, sessionsSpec } from './modules/sessions/module.ts';
import { type ChargingPreferencesHandler, defaultChargingPreferences } from './modules/sessions/service.ts';
import { tariffsModule, tariffsSpec } from './modules/tariffs/module.ts';
import { tokensModule, tokensSpec } from './modules/tokens/module.ts';
import { defaultAuthorizer, type TokenAuthorizer } from './modules/tokens/service.ts';
import { versionsRoutes } from './modules/versions/routes.ts';
import type { OcpiModule } from './node.ts';
import { type OcpiNode, versionsUrl } from './node.ts';
import {
  registerWith,
  type UnregisterResult,
  unregisterFrom,
  updateCredentialsWith,
} from './partners/handshake-client.ts';
import { PartnerRegistry, type RegistrationTokenOptions } from './partners/registry.ts';
import type { OwnParty, Partner } from './partners/types.ts';
import { openStore, type Store, type StoreOptions } from './store/store.ts';
import { OcpiError } from './transport/errors.ts';
import type { PaginationOptions } from './transport/pagination.ts';
import { ocpiTransport } from './transport/plugin.ts';
import { answerUnrouted, listenUrl, serverOptions } from './transport/server.ts';

/** Options of createOcpiApp() and ocpiPlugin(). Every one has a working default. */
export interface OcpiAppOptions {
  /** OCPI versions to offer (default: 2.1.1, 2.2.1 and 2.3.0). */
  versions?: OcpiVersion[];
  /** The parties this node speaks for (default: one CPO, NL*ACM). */
  parties?: OwnParty[];
  /** Functional modules to enable, by module id (default: all the toolkit has). Credentials is always on. */
  modules?: string[];
  /**
   * Base URL partners reach this node at, e.g. `https://ocpi.example.com`. Default: the
   * address the server listens on (fine for tests and local setups, not behind a proxy).
   */
  publicUrl?: string;
  /** Path prefix of the OCPI endpoints (default `/ocpi`). */
  basePath?: string;
  /** Where data lives: options to open one, or an open store (default: PGlite in memory). */
  store?: StoreOptions | Store;
  /** Fastify/pino logger options or instance (default: off). Authorization headers are never logged. */
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** Admin API under /admin, protected by this token (at least 16 characters). Absent: no admin API. */
  adminToken?: string;
  /**
   * Serve the admin API on a listener of its own instead of under /admin of the OCPI
   * server, e.g. `{ host: '127.0.0.1', port: 3001 }`, so that partners cannot reach it.
   * It opens when the app is ready (listen() or ready()), closes with it, and has the
   * same limits; `app.ocpi.adminUrl()` says where it is. Host default 127.0.0.1, port 0 (any free one).
   */
  adminListener?: AdminListener;
  /**
   * Registration tokens (token A) to accept, created if missing. One that registered a
   * partner stays spent for good: configuring it again does not bring it back.
   */
  registrationTokens?: string[];
  /** Outbound HTTP to partners. */
  http?: OcpiHttpOptions;
  /** Which partner-supplied URLs we may call. */
  outboundUrlPolicy?: OutboundUrlPolicy;
  /** Largest request body in bytes (default 1 MiB); larger bodies get HTTP 413. */
  bodyLimit?: number;
  /**
   * Milliseconds a client has to send a whole request, headers and body (default 30 s);
   * a slower one gets HTTP 408. createOcpiApp() only: a plugin lives in your server.
   */
  requestTimeoutMs?: number;
  /** How long a token lookup is cached (default 30 s); local changes invalidate at once. */
  tokenCacheTtlMs?: number;
  /** Put your own system behind a module instead of our store. */
  services?: Partial<ObjectServices>;
  /** Real-time authorization of our tokens (eMSP); default: valid tokens are allowed. */
  authorizeToken?: TokenAuthorizer;
  /** Answers a driver's charging preferences for our Sessions (CPO, 2.2+); default: NOT_POSSIBLE. */
  chargingPreferences?: ChargingPreferencesHandler;
  /** Page sizes of the sender lists (default: at most 100, 100 when the client gives no limit). */
  paging?: PaginationOptions;
  /** Commands: the charger gateway (CPO), timeouts, and which response_url hosts are allowed. */
  commands?: {
    gateway?: ChargerGateway;
    /** Seconds the CPO waits for the charger before sending TIMEOUT (default 30). */
    timeoutSeconds?: number;
    /** eMSP: extra seconds to wait for a result beyond the CPO's timeout (default 5). */
    graceSeconds?: number;
    responseUrlPolicy?: ResponseUrlPolicy;
  };
  /** Delivery of pushes: retries, backoff, retry window before dead-lettering. */
  delivery?: Omit<DeliveryWorkerOptions, 'store' | 'registry' | 'http' | 'log' | 'wholeObject' | 'clock'>;
  /**
   * The time and timers of the node (default: the system clock): command deadlines and
   * TIMEOUT results, delivery retries and leases, cache ages, `last_updated` defaults. Tests
   * pass a controllable clock to move time instead of waiting for it.
   */
  clock?: Clock;
}

/** What createOcpiApp() adds to the Fastify instance, as `app.ocpi`. */
export interface OcpiApi {
  /** Our versions URL, to hand to partners with a registration token. */
  versionsUrl(): string;
  /** The admin API's URL (…/admin) once it listens; undefined without an admin token. */
  adminUrl(): string | undefined;
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
     * CPO's answer and a promise of the result; the typed methods do the same.
     */
    send(partnerId: string, command: CommandName, request: Record<string, unknown>): Promise<SentCommand>;
    get(id: string): ReturnType<EmspCommands['get']>;
    /** CPO side: the charger cancelled a reservation; tells the eMSP (CANCELED_RESERVATION). */
    reservationCancelled(chargerReservationId: string, message?: string): Promise<boolean>;
  };
  /** The outbox worker: pending pushes, dead letters, replay. */
  readonly delivery: DeliveryWorker;
  partner(id: string): Promise<Partner | undefined>;
  readonly store: Store;
}

declare module 'fastify' {
  interface FastifyInstance {
    ocpi: OcpiApi;
  }
}

const DEFAULT_PARTY: OwnParty = {
  countryCode: 'NL',
  partyId: 'ACM',
  role: 'CPO',
  businessDetails: { name: 'OCPI toolkit node' },
};
/** Functional modules the toolkit implements. */
const FUNCTIONAL_MODULES: OcpiModule[] = [
  locationsModule,
  tariffsModule,
  tokensModule,
  sessionsModule,
  cdrsModule,
];
const MODULE_IDS = [...FUNCTIONAL_MODULES.map((m) => m.id), 'commands'];

/** Without a gateway, accepted commands are answered NOT_SUPPORTED by the "charger". */
const unconnectedGateway: ChargerGateway = {
  execute: (command, report) =>
    report.outcome(command.commandId, 'NOT_SUPPORTED', 'no charger gateway is configured'),
};
const OBJECT_SPECS = {
  locations: locationsSpec,
  tariffs: tariffsSpec,
  tokens: tokensSpec,
  sessions: sessionsSpec,
  cdrs: cdrsSpec,
};
const STALE_HANDSHAKE_MS = 5 * 60_000;

function checkOptions(options: OcpiAppOptions): void {
  for (const v of options.versions ?? [])
    if (!isSupportedVersion(v)) throw new OcpiError('OCPI_ERR_CONFIG', `unsupported OCPI version ${v}`);
  if (options.versions?.length === 0)
    throw new OcpiError('OCPI_ERR_CONFIG', 'at least one OCPI version is needed');
  if (options.parties?.length === 0)
    throw new OcpiError('OCPI_ERR_CONFIG', 'at least one own party is needed');
  for (const p of options.parties ?? []) {
    if (!/^[A-Z]{2}$/i.test(p.countryCode) || !/^[A-Z0-9]{3}$/i.test(p.partyId))
      throw new OcpiError('OCPI_ERR_CONFIG', `invalid party ${p.countryCode}*${p.partyId}`);
  }
  if (options.adminToken !== undefined && options.adminToken.length < MIN_ADMIN_TOKEN_LENGTH)
    throw new OcpiError(
      'OCPI_ERR_CONFIG',
      `adminToken: at least ${MIN_ADMIN_TOKEN_LENGTH} characters (a long random secret)`,
    );
  const known = new Set(MODULE_IDS);
  for (const m of options.modules ?? [])
    if (!known.has(m)) throw new OcpiError('OCPI_ERR_CONFIG', `unknown module ${m}`);
}

function isStore(value: StoreOptions | Store | undefined): value is Store {
  return typeof value === 'object' && value !== null && 'db' in value;
}

/**
 * Mounts an OCPI node into an existing Fastify app. The store it opens is closed with
 * the app; a store passed in stays the caller's to close. (Typed here: the inferred type
 * would name the `Fastify` default import, which not every consumer's resolution sees.)
 */
export const ocpiPlugin: FastifyPluginCallback<OcpiAppOptions> = fp<OcpiAppOptions>(
  async (app, options) => {
    checkOptions(options);
    const ownsStore = !isStore(options.store);
    const store = isStore(options.store)
      ? options.store
      : await openStore(options.store ?? { kind: 'pglite', dataDir: 'memory' });
    const clock = options.clock ?? systemClock;
    const registry = new PartnerRegistry(store, {
      clock,
      ...(options.tokenCacheTtlMs === undefined ? {} : { tokenCacheTtlMs: options.tokenCacheTtlMs }),
    });
    const http = new OcpiHttpClient(options.http, options.outboundUrlPolicy);
    let publicUrl = options.publicUrl?.replace(/\/+$/, '');
    // PostgreSQL has autovacuum; the embedded store gets its statistics refreshed by us.
    const repoOptions = { analyze: store.kind === 'pglite', invalidations: store.invalidations, clock };
    const serviceOf = <M extends ObjectModuleId>(module: M): ObjectService<CanonicalObjects[M]> =>
      options.services?.[module] ??
      new StoreObjectService<CanonicalObjects[M]>(module, store.db, repoOptions);
    const modules: OcpiModule[] = [credentialsModule];
    const node: OcpiNode = {
      versions: [...(options.versions ?? SUPPORTED_VERSIONS)],
      parties: (options.parties ?? [DEFAULT_PARTY]).map((p) => ({
        ...p,
        countryCode: p.countryCode.toUpperCase(),
        partyId: p.partyId.toUpperCase(),
      })),
      modules,
      basePath: (options.basePath ?? '/ocpi').replace(/\/+$/, ''),
      store,
      registry,
      http,
      urlPolicy: options.outboundUrlPolicy ?? {},
      log: app.log,
      clock,
      events: new EventEmitter(),
      services: {
        locations: serviceOf('locations'),
        tariffs: serviceOf('tariffs'),
        tokens: serviceOf('tokens'),
        sessions: serviceOf('sessions'),
        cdrs: serviceOf('cdrs'),
      },
      paging: {
        maxLimit: options.paging?.maxLimit ?? 100,
        defaultLimit: options.paging?.defaultLimit ?? options.paging?.maxLimit ?? 100,
      },
      authorizeToken: options.authorizeToken ?? defaultAuthorizer,
      chargingPreferences: options.chargingPreferences ?? defaultChargingPreferences,
      publicUrl() {
        if (!publicUrl)
          throw new OcpiError(
            'OCPI_ERR_CONFIG',
            'publicUrl is not known before the server listens; pass it in the options',
          );
        return publicUrl;
      },
    };

    await registry.dropStalePending(STALE_HANDSHAKE_MS);
    for (const token of options.registrationTokens ?? [])
      if ((await registry.addRegistrationToken(token, 'configured')) !== 'live')
        app.log.warn('a configured registration token was used already; it is not accepted again');

    app.addHook('onListen', async () => {
      publicUrl ??= listenUrl(app.server.address());
    });
    const delivery = createDeliveryWorker(node, {
      ...options.delivery,
      clock,
      // A refused PATCH of one of our objects is replaced by the PUT of the whole object.
      wholeObject: async (entry) => {
        for (const publisher of Object.values(publishers)) {
          const message = await publisher.wholeObject(entry);
          if (message) return message;
        }
        return undefined;
      },
    });
    const wake = () => delivery.wake();
    const tracker = new SessionTracker(node, {
      putSession: (session) => publishers.sessions.stagePut(session, '2.3.0'),
      patchSession: (ref, fields) => publishers.sessions.stagePatch(ref, [], fields),
      postCdr: (cdr) => publishers.cdrs.stagePost(cdr, '2.3.0'),
      committed: wake,
    });
    const cpoCommands = new CpoCommands(node, {
      gateway: options.commands?.gateway ?? unconnectedGateway,
      timeoutSeconds: options.commands?.timeoutSeconds ?? 30,
      wake,
      sessions: tracker,
    });
    const emspCommands = new EmspCommands(node, {
      graceSeconds: options.commands?.graceSeconds ?? 5,
      defaultTimeoutSeconds: 30,
    });
    const available = [
      ...FUNCTIONAL_MODULES,
      commandsModule(cpoCommands, emspCommands, options.commands?.responseUrlPolicy ?? 'partner-hosts'),
    ];
    modules.push(...(options.modules ? available.filter((m) => options.modules?.includes(m.id)) : available));
    const publishers = {
      locations: new Publisher(node, locationsSpec, wake),
      tariffs: new Publisher(node, tariffsSpec, wake),
      tokens: new Publisher(node, tokensSpec, wake),
      sessions: new Publisher(node, sessionsSpec, wake),
      cdrs: new Publisher(node, cdrsSpec, wake),
    };
    const send = (partnerId: string, command: CommandName, request: Record<string, unknown>) =>
      emspCommands.send(partnerId, command, request);
    const sync = (partnerId: string, module: ObjectModuleId, pull?: PullOptions) =>
      syncFromPartner(node, partnerId, OBJECT_SPECS[module], pull);
    app.addHook('onReady', async () => {
      delivery.start();
      await cpoCommands.resume();
    });
    app.addHook('onClose', async () => {
      cpoCommands.stop();
      emspCommands.stop();
      await delivery.stop();
      await http.close();
      if (ownsStore) await store.close();
    });

    await app.register(
      async (scope) => {
        await ocpiTransport(scope, { authenticator: registry, clock });
        versionsRoutes(scope, node);
        for (const version of node.versions) {
          await scope.register(
            async (versionScope) => {
              for (const m of node.modules)
                if (m.versions.includes(version)) await m.routes(versionScope, version, node);
            },
            { prefix: `/${version}` },
          );
        }
      },
      { prefix: node.basePath },
    );

    const adminUrl = options.adminToken
      ? await mountAdmin(
          app,
          node,
          { publishers, specs: OBJECT_SPECS, delivery, commands: emspCommands },
          {
            token: options.adminToken,
            ...(options.adminListener ? { listener: options.adminListener } : {}),
            limits: options,
          },
        )
      : () => undefined;

    app.decorate('ocpi', {
      versionsUrl: () => versionsUrl(node),
      adminUrl,
      createRegistrationToken: (token?: string, label?: string, tokenOptions?: RegistrationTokenOptions) =>
        registry.createRegistrationToken(token, label, tokenOptions),
      registerWith: (url: string, tokenA: string) => registerWith(node, url, tokenA),
      updateCredentials: (id: string) => updateCredentialsWith(node, id),
      unregister: (id: string) => unregisterFrom(node, id),
      partners: () => registry.list(),
      partner: (id: string) => registry.get(id),
      ...publishers,
      sync,
      events: node.events,
      commands: {
        ...typedCommands(send),
        send,
        get: (id) => emspCommands.get(id),
        reservationCancelled: (chargerReservationId, message) =>
          cpoCommands.cancelReservation(chargerReservationId, message),
      },
      delivery,
      store,
    } satisfies OcpiApi);
  },
  { name: 'ocpi', fastify: '5.x' },
);

/** Fastify options that keep tokens out of logs. */
function loggerOption(
  logger: OcpiAppOptions['logger'],
): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (logger === undefined || logger === false) return { logger: false };
  if (typeof logger === 'object' && 'child' in logger && typeof logger.child === 'function')
    return { loggerInstance: logger as FastifyBaseLogger };
  const base =
    logger === true ? {} : (logger as Exclude<FastifyServerOptions['logger'], boolean | undefined>);
  return {
    logger: { ...base, redact: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'] },
  };
}

/**
 * Creates a ready OCPI node: a Fastify instance with the OCPI endpoints mounted under
 * `/ocpi` (and the admin API under `/admin` when an admin token is given). Call
 * `listen()` on it; `app.ocpi` is the node's API.
 */
export async function createOcpiApp(options: OcpiAppOptions = {}): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const app = Fastify({ ...loggerOption(options.logger), ...serverOptions(options, clock) });
  answerUnrouted(app, clock);
  await app.register(ocpiPlugin, options);
  return app;
}
