import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { createRPCError, RPCServer } from 'ocpp-rpc';
import type { IHandshakeInterface } from 'ocpp-rpc/lib/server-client.js';
import type { Clock } from '../clock.ts';
import type { Status } from '../model/v230/locations.ts';
import type { Publisher } from '../modules/objects/publisher.ts';
import { errorMessage } from '../transport/errors.ts';
import type { IdTagAuthorizer } from './authorize-16.ts';
import { correctCallErrors, type RawConnection } from './call-errors.ts';
import { type Charger, type ChargerRegistry, evseOfConnector, evsesOfCharger } from './chargers.ts';
import { type EvseStatusChange, setEvseStatus } from './evse-status.ts';
import type { Handles } from './handlers.ts';
import { handle16 } from './handlers-16.ts';
import { handle201 } from './handlers-201.ts';
import type { StatusNotification16 } from './messages-16.ts';
import { evseStatusOf16, OFFLINE_STATUS } from './status.ts';
import { ConnectorStatuses, evseStatusOf201 } from './status-201.ts';
import type { Transactions16 } from './transactions-16.ts';
import type { Transactions201 } from './transactions-201.ts';

/** Options of the OCPP endpoint (the `ocpp` option of createOcpiApp()). */
export interface OcppOptions {
  /**
   * Serve the OCPP endpoint on the node's own port: chargers connect to
   * `ws://<host>:<port>/ocpp/<charger-id>` with subprotocol `ocpp1.6` or `ocpp2.0.1` and HTTP Basic
   * `<charger-id>:<password>` (security profile 1). Default false: a node that does not
   * ask for it takes no websocket upgrades at all, whatever its role; only a CPO party's
   * Locations can be bound to chargers.
   */
  enabled?: boolean;
  /** The heartbeat interval a BootNotification is answered with, seconds (default 300). */
  heartbeatIntervalSeconds?: number;
  /** Path the charger ids follow (default `/ocpp`). */
  path?: string;
  /**
   * Seconds a call to a charger may go unanswered (default 30). createOcpiApp() makes it
   * the commands' timeout, after which the node answers TIMEOUT anyway.
   */
  callTimeoutSeconds?: number;
  /**
   * Seconds an eMSP's real-time authorization of a charger's idTag may take (default 5);
   * without an answer by then the token's whitelist decides (authorize-16.ts).
   */
  authorizeTimeoutSeconds?: number;
  /**
   * Answer a command REJECTED at once when the charger it needs is connected to no instance of
   * the node (default true), instead of ACCEPTED and a FAILED result. Only when the bridge's
   * chargers take the commands (no `commands.gateway` of yours).
   */
  rejectCommandsWhenOffline?: boolean;
}

/** What the bridge works with. */
export interface OcppBridgeParts {
  chargers: ChargerRegistry;
  locations: Publisher<'locations'>;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Authorize, and the charger's transactions to Sessions. */
  authorizer: IdTagAuthorizer;
  transactions: Transactions16;
  transactions201: Transactions201;
  /** Sees every StatusNotification, in order (reservations the charger ends: reservations-16.ts). */
  statusWatch?: (chargerId: string, report: StatusNotification16) => Promise<void>;
}

/** What the bridge uses of an ocpp-rpc server-side connection. */
interface ServerConnection extends RawConnection, Handles {
  readonly identity: string | undefined;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'call', listener: (call: { outbound: boolean; payload: unknown }) => void): unknown;
  on(event: 'message', listener: (message: { message: unknown; outbound: boolean }) => void): unknown;
  close(options: { code: number; reason: string }): Promise<unknown>;
  call(method: string, params: unknown): Promise<unknown>;
}

/** How a call to a charger went. */
export type CallOutcome =
  | { kind: 'answered'; payload: unknown }
  | { kind: 'offline' }
  /** A CALLERROR, with its code. */
  | { kind: 'refused'; code: string }
  /** No answer: timed out, or the connection was lost meanwhile. */
  | { kind: 'lost'; message: string };

/** The subprotocols served, the server's preference first (a charger offering both gets 2.0.1). */
const PROTOCOLS = ['ocpp2.0.1', 'ocpp1.6'];

/**
 * The CSMS side of OCPP-J: takes chargers' websocket upgrades on the node's HTTP server,
 * authenticates them before the websocket exists, and turns what they report into our
 * Locations' EVSE status. Events: 'connected' (charger id), 'disconnected' (charger id),
 * 'status' (EvseStatusChange), 'error' never (failures are logged).
 */
export class OcppBridge extends EventEmitter {
  private readonly rpc: RPCServer;
  private readonly connections = new Map<string, ServerConnection>();
  /** Per charger, the tail of its work: what one charger reports is handled in order. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly path: string;
  private readonly heartbeatIntervalSeconds: number;

  constructor(
    private readonly parts: OcppBridgeParts,
    options: OcppOptions = {},
  ) {
    super();
    this.path = `/${(options.path ?? '/ocpp').replace(/^\/+|\/+$/g, '')}`;
    this.heartbeatIntervalSeconds = options.heartbeatIntervalSeconds ?? 300;
    this.rpc = new RPCServer({
      protocols: PROTOCOLS,
      strictMode: true,
      callTimeoutMs: (options.callTimeoutSeconds ?? 30) * 1000,
    });
    this.rpc.auth((accept, reject, handshake) => {
      void this.authenticate(handshake).then(
        (answer) => (typeof answer === 'number' ? reject(answer, refusal(answer)) : accept({}, answer)),
        (error) => {
          parts.log.error({ err: error }, 'OCPP upgrade: authentication failed');
          reject(503, 'Service Unavailable');
        },
      );
    });
    this.rpc.on('client', (client: ServerConnection) => this.connected(client));
  }

  /** Takes the upgrades of `server` whose path is ours; answers 404 to others nobody else takes. */
  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      if (path.startsWith(`${this.path}/`)) {
        // An HTTP server's upgrades come on its TCP (or TLS) sockets.
        if (socket instanceof Socket) void this.rpc.handleUpgrade(request, socket, head);
        else socket.destroy();
      } else if (server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
    });
  }

  /** Whether a charger is connected to this instance now. */
  isConnected(id: string): boolean {
    return this.connections.has(id);
  }

  /** Sends an OCPP call to a connected charger. */
  async call(id: string, action: string, params: Record<string, unknown>): Promise<CallOutcome> {
    const connection = this.connections.get(id);
    if (!connection) return { kind: 'offline' };
    try {
      return { kind: 'answered', payload: await connection.call(action, params) };
    } catch (error) {
      const code =
        typeof error === 'object' && error !== null && 'rpcErrorCode' in error
          ? error.rpcErrorCode
          : undefined;
      return typeof code === 'string'
        ? { kind: 'refused', code }
        : { kind: 'lost', message: errorMessage(error) };
    }
  }

  /** Closes a charger's connection (it was removed); its EVSEs become UNKNOWN. */
  async disconnect(id: string): Promise<void> {
    await this.connections.get(id)?.close({ code: 1000, reason: 'charger removed' });
    await this.queues.get(id);
  }

  /** Closes every connection and waits until what they left to do is done. */
  async close(): Promise<void> {
    await this.rpc.close({ code: 1001, reason: 'server shutting down' });
    await Promise.all(this.queues.values());
  }

  /** The subprotocol to accept, or the HTTP status to refuse the upgrade with. */
  private async authenticate(handshake: IHandshakeInterface): Promise<string | number> {
    if (handshake.endpoint !== this.path) return 404;
    const protocol = PROTOCOLS.find((p) => handshake.protocols.has(p));
    if (!protocol) return 400;
    // ocpp-rpc gives the password only when the Basic user is the identity of the URL.
    if (!handshake.password) return 401;
    const found = await this.parts.chargers.authenticate(handshake.identity, handshake.password);
    if (found === 'unknown') return 404;
    if (found === 'wrong') return 401;
    return protocol;
  }

  private connected(client: ServerConnection): void {
    const id = client.identity ?? '';
    const previous = this.connections.get(id);
    this.connections.set(id, client);
    // A charger that connects again while its old connection lingers is the same charger.
    if (previous) void previous.close({ code: 1000, reason: 'replaced by a new connection' });
    correctCallErrors(client);
    client.on('close', () => this.disconnected(id, client));
    // '1.6' or '2.0.1', as the chargers list shows it.
    const version = (client.protocol ?? '').replace(/^ocpp/, '');
    this.serial(id, async () => {
      await this.parts.chargers.setOnline(id, true, version);
      this.emit('connected', id);
    });
    if (client.protocol === 'ocpp2.0.1') {
      const connectors = new ConnectorStatuses();
      handle201(client, {
        now: () => new Date(this.parts.clock.now()),
        heartbeatIntervalSeconds: this.heartbeatIntervalSeconds,
        heard: (at) => this.parts.chargers.heartbeat(id, at),
        status: (report) => {
          const status = evseStatusOf201(report.connectorStatus);
          // evseId 0 is the charging station as a whole, no EVSE of ours.
          if (!status || report.evseId === 0) return Promise.resolve();
          const evseStatus = connectors.set(report.evseId, report.connectorId, status);
          return this.serial(id, () => this.evseStatusReported(id, report.evseId, evseStatus));
        },
        authorize: async (idToken) => (await this.parts.authorizer.decide(id, idToken)).status,
        transactionEvent: async (request) =>
          this.parts.transactions201.event(await this.charger(id), request),
      });
      return;
    }
    handle16(client, {
      now: () => new Date(this.parts.clock.now()),
      heartbeatIntervalSeconds: this.heartbeatIntervalSeconds,
      heard: (at) => this.parts.chargers.heartbeat(id, at),
      status: (report) => this.serial(id, () => this.statusReported(id, report)),
      authorize: async (idTag) => (await this.parts.authorizer.decide(id, idTag)).status,
      startTransaction: async (request) => this.parts.transactions.start(await this.charger(id), request),
      meterValues: async (request) => this.parts.transactions.meterValues(await this.charger(id), request),
      stopTransaction: async (request) => this.parts.transactions.stop(await this.charger(id), request),
    });
  }

  /** A connected charger as the registry has it now (one removed meanwhile is refused). */
  private async charger(id: string): Promise<Charger> {
    const charger = await this.parts.chargers.get(id);
    if (!charger) throw createRPCError('SecurityError', 'the charger is no longer known');
    return charger;
  }

  private disconnected(id: string, client: ServerConnection): void {
    if (this.connections.get(id) !== client) return;
    this.connections.delete(id);
    this.serial(id, async () => {
      if (this.connections.has(id)) return;
      await this.parts.chargers.setOnline(id, false);
      const charger = await this.parts.chargers.get(id);
      const location = charger && (await this.parts.chargers.locationOf(charger));
      if (charger && location)
        this.announce(
          await setEvseStatus(
            this.parts.locations,
            this.parts.clock,
            id,
            location,
            evsesOfCharger(charger, location),
            OFFLINE_STATUS,
          ),
        );
      this.emit('disconnected', id);
    });
  }

  private async statusReported(id: string, report: StatusNotification16): Promise<void> {
    await this.parts.statusWatch?.(id, report);
    const status = evseStatusOf16(report.status);
    // connectorId 0 is the charger's main controller, no EVSE of ours.
    if (status && report.connectorId !== 0) await this.evseStatusReported(id, report.connectorId, status);
  }

  /** The status of a charger's EVSE, by its number (1.6 connectorId, 2.0.1 evseId). */
  private async evseStatusReported(id: string, number: number, status: Status): Promise<void> {
    const charger = await this.parts.chargers.get(id);
    const location = charger && (await this.parts.chargers.locationOf(charger));
    if (!charger || !location) return;
    const uid = evseOfConnector(charger, location, number);
    if (!uid) {
      this.parts.log.warn({ charger: id, evse: number }, 'OCPP: status of an unmapped connector or EVSE');
      return;
    }
    this.announce(await setEvseStatus(this.parts.locations, this.parts.clock, id, location, [uid], status));
  }

  private announce(changes: EvseStatusChange[]): void {
    for (const change of changes) this.emit('status', change);
  }

  /** Runs `work` after what the charger's earlier reports started; failures are logged. */
  private serial(id: string, work: () => Promise<void>): Promise<void> {
    const run = (this.queues.get(id) ?? Promise.resolve()).then(work).catch((error: unknown) => {
      this.parts.log.error({ charger: id, err: errorMessage(error) }, 'OCPP: handling a report failed');
    });
    this.queues.set(id, run);
    void run.then(() => {
      if (this.queues.get(id) === run) this.queues.delete(id);
    });
    return run;
  }
}

function refusal(status: number): string {
  return status === 401
    ? 'Unauthorized'
    : status === 404
      ? 'Not Found'
      : status === 400
        ? 'Bad Request'
        : 'Error';
}
