import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { AdminListener } from '../admin/mount.ts';
import { MIN_ADMIN_TOKEN_LENGTH } from '../admin/routes.ts';
import type { OcpiHttpOptions } from '../client/ocpi-http.ts';
import type { OutboundUrlPolicy } from '../client/url-guard.ts';
import type { Clock } from '../clock.ts';
import type { ConsoleOptions } from '../console/mount.ts';
import type { DeliveryWorkerOptions } from '../delivery/worker.ts';
import { isSupportedVersion, type OcpiVersion } from '../model/versions.ts';
import type { BookingApprover } from '../modules/bookings/service.ts';
import type { CommandDecider } from '../modules/commands/decide.ts';
import type { ChargerGateway } from '../modules/commands/gateway.ts';
import type { ResponseUrlPolicy } from '../modules/commands/response-url.ts';
import type { ResultBacklogOptions } from '../modules/commands/result-backlog.ts';
import type { ObjectServices } from '../modules/objects/service.ts';
import type { ChargingPreferencesHandler } from '../modules/sessions/service.ts';
import type { TokenAuthorizer } from '../modules/tokens/service.ts';
import type { OcppOptions } from '../ocpp/bridge.ts';
import type { OwnParty } from '../partners/types.ts';
import type { Store, StoreOptions } from '../store/store.ts';
import { OcpiError } from '../transport/errors.ts';
import type { PaginationOptions } from '../transport/pagination.ts';
import { MODULE_IDS } from './modules.ts';
import type { OperationsOptions } from './operations.ts';

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
   * The operator console, a web page at /console beside the admin API (on its listener when
   * it has one), signed in to with the admin token: on by default wherever the admin API is.
   */
  console?: ConsoleOptions;
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
  /**
   * What the sender lists of our store keep in memory: the order of each list that is read
   * (any page then costs the same, the last as the first), and the JSON rendered of each
   * object for each version, dropped least recently used first. Writes, here or on another
   * instance on the same database, replace what they change.
   */
  readCache?: {
    /** Lists longer than this are paged by the store instead (default 500,000; about 150 bytes an object). */
    maxIndexedObjects?: number;
    /** Bytes of rendered JSON kept at most (default 64 MiB; 0 keeps none). */
    maxRenderedBytes?: number;
  };
  /** Real-time authorization of our tokens (eMSP); default: valid tokens are allowed. */
  authorizeToken?: TokenAuthorizer;
  /** Answers a driver's charging preferences for our Sessions (CPO, 2.2+); default: NOT_POSSIBLE. */
  chargingPreferences?: ChargingPreferencesHandler;
  /** Page sizes of the sender lists (default: at most 100, 100 when the client gives no limit). */
  paging?: PaginationOptions;
  /** Commands: the charger gateway (CPO), your decision on each command, timeouts, and which response_url hosts are allowed. */
  commands?: {
    gateway?: ChargerGateway;
    /**
     * CPO: decides the CommandResponse of each command that passed the built-in checks (known
     * Location/EVSE/Connector with the capability, the eMSP's own token or session, bookings):
     * ACCEPTED (then the gateway gets it), REJECTED, NOT_SUPPORTED or UNKNOWN_SESSION, with
     * its own `timeout` and `message`. A command the checks refused never reaches it. Throwing,
     * answering no CommandDecision or taking longer than `decideBudgetMs` answers REJECTED
     * (logged). Default: every command that passed the checks is ACCEPTED.
     */
    decide?: CommandDecider;
    /** Milliseconds `decide` may take (default 2000): the eMSP is waiting on an open HTTP call. */
    decideBudgetMs?: number;
    /** Seconds the CPO waits for the charger before sending TIMEOUT (default 30). */
    timeoutSeconds?: number;
    /** eMSP: extra seconds to wait for a result beyond the CPO's timeout (default 5). */
    graceSeconds?: number;
    responseUrlPolicy?: ResponseUrlPolicy;
    /**
     * CPO: while `max` of a partner's results (CommandResults; ChargingProfileResults
     * counted apart) wait in the outbox untried, its new requests wait up to `waitMs` for
     * them before they are accepted, so that under overload results stay close behind
     * (about `max`, and the requests let in together) instead of seconds. Results that do
     * not move (a partner the worker paused) hold its requests once, for `waitMs`.
     * Default 100 and 1000 ms; `max: 0` turns it off.
     */
    resultBacklog?: Partial<ResultBacklogOptions>;
  };
  /**
   * ChargingProfiles (CPO, 2.2+): the charger gateway, response_url policy and result
   * backlog are those of `commands`; the timeout is theirs too unless given here.
   */
  chargingProfiles?: {
    /** Seconds the CPO waits for the charger before sending a REJECTED result (default: commands'). */
    timeoutSeconds?: number;
    /**
     * At most `requests` requests (set, get, clear) per session in any `windowSeconds`, per
     * node instance; more are answered TOO_OFTEN (default 10 per 60 s).
     */
    rateLimit?: { requests: number; windowSeconds: number };
  };
  /**
   * Bookings (CPO, 2.3.0): `approve` decides each new booking request that passed the
   * checks: RESERVED (the default without it), PENDING (decided later with
   * app.ocpi.bookings.accept()/reject()) or REJECTED (answered and stored so).
   */
  bookings?: { approve?: BookingApprover };
  /** Delivery of pushes: retries, backoff, retry window before dead-lettering. */
  delivery?: Omit<DeliveryWorkerOptions, 'store' | 'registry' | 'http' | 'log' | 'wholeObject' | 'clock'>;
  /**
   * The OCPP bridge (CPO): `{ enabled: true }` serves `ws://<host>:<port>/ocpp/<charger-id>`
   * (subprotocol ocpp1.6, HTTP Basic `<charger-id>:<password>`) on the node's own port, for
   * the chargers added with `app.ocpi.chargers.add()`; their status becomes our EVSEs'.
   * Off by default, also for a CPO: enabling it opens a door (websocket upgrades) that a
   * node which does not use it should not have. The charger registry is there either way.
   */
  ocpp?: OcppOptions;
  /**
   * The time and timers of the node (default: the system clock): command deadlines and
   * TIMEOUT results, delivery retries and leases, cache ages, `last_updated` defaults. Tests
   * pass a controllable clock to move time instead of waiting for it.
   */
  clock?: Clock;
  /**
   * Operations: the slow-request threshold of the logs, and whether `GET /health` and
   * `GET /ready` are served (on the admin listener when there is one, else at the root of
   * the node's server). `GET /metrics` is served on the admin listener only.
   */
  operations?: OperationsOptions;
}

/** Refuses options no node can run with (OCPI_ERR_CONFIG), before anything is opened. */
export function checkOptions(options: OcpiAppOptions): void {
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
  const rate = options.chargingProfiles?.rateLimit;
  if (rate && !(Number.isInteger(rate.requests) && rate.requests >= 1 && rate.windowSeconds > 0))
    throw new OcpiError(
      'OCPI_ERR_CONFIG',
      'chargingProfiles.rateLimit: requests a whole number ≥ 1, windowSeconds > 0',
    );
  const backlog = options.commands?.resultBacklog;
  if (backlog?.max !== undefined && !(Number.isInteger(backlog.max) && backlog.max >= 0))
    throw new OcpiError('OCPI_ERR_CONFIG', 'commands.resultBacklog.max: a whole number ≥ 0');
  if (backlog?.waitMs !== undefined && !(Number.isFinite(backlog.waitMs) && backlog.waitMs >= 0))
    throw new OcpiError('OCPI_ERR_CONFIG', 'commands.resultBacklog.waitMs: milliseconds ≥ 0');
  const budget = options.commands?.decideBudgetMs;
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1))
    throw new OcpiError('OCPI_ERR_CONFIG', 'commands.decideBudgetMs: a whole number of milliseconds ≥ 1');
  for (const [name, value] of Object.entries(options.readCache ?? {}))
    if (value !== undefined && !(Number.isInteger(value) && value >= 0))
      throw new OcpiError('OCPI_ERR_CONFIG', `readCache.${name}: a whole number ≥ 0`);
  const heartbeat = options.ocpp?.heartbeatIntervalSeconds;
  if (heartbeat !== undefined && !(Number.isInteger(heartbeat) && heartbeat >= 1))
    throw new OcpiError('OCPI_ERR_CONFIG', 'ocpp.heartbeatIntervalSeconds: a whole number ≥ 1');
  const known = new Set(MODULE_IDS);
  for (const m of options.modules ?? [])
    if (!known.has(m)) throw new OcpiError('OCPI_ERR_CONFIG', `unknown module ${m}`);
}
