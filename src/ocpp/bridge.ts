import type { Server } from 'node:http';
import type { CommandDecider } from '../modules/commands/decide.ts';
import type { ChargerGateway } from '../modules/commands/gateway.ts';
import type { Publisher } from '../modules/objects/publisher.ts';
import type { OcpiNode } from '../node.ts';
import { ChargerRepository } from '../store/charger-repository.ts';
import { OcppRepository } from '../store/ocpp-repository.ts';
import { OcppReservationRepository } from '../store/ocpp-reservation-repository.ts';
import { OcppRouteRepository } from '../store/ocpp-route-repository.ts';
import { Ocpp201Repository } from '../store/ocpp201-repository.ts';
import { IdTagAuthorizer } from './authorize-16.ts';
import { type AddedCharger, type Charger, ChargerRegistry, type NewCharger } from './chargers.ts';
import { OcppBridge, type OcppOptions } from './csms.ts';
import { Ocpp16Gateway } from './gateway-16.ts';
import { Ocpp201Gateway } from './gateway-201.ts';
import { IdTags } from './id-tags.ts';
import { offlineDecider } from './offline-decider.ts';
import { realTimeAuthorizer } from './realtime-auth.ts';
import { ReservationWatch16 } from './reservations-16.ts';
import { RoutedCalls } from './routes.ts';
import { Transactions16 } from './transactions-16.ts';
import { Transactions201 } from './transactions-201.ts';

export type { AddedCharger, Charger, NewCharger, OcppOptions };
export { OcppBridge };

/** The chargers of the OCPP bridge, as `app.ocpi.chargers` offers them. */
export interface ChargersApi {
  /**
   * Binds a charger to one of our Locations (OCPI 2003 when it is not ours, 2001 for a
   * taken id, a password outside 16–40 characters, or a mapping to an EVSE the Location
   * does not have). Gives back its password: the only time it is shown.
   */
  add(charger: NewCharger): Promise<AddedCharger>;
  list(): Promise<Charger[]>;
  get(id: string): Promise<Charger | undefined>;
  /** Forgets a charger, closing its connection if it has one; false when there was none. */
  remove(id: string): Promise<boolean>;
}

/** The OCPP side of a node: its chargers, and the endpoint they connect to when enabled. */
export interface Ocpp {
  chargers: ChargersApi;
  /** The endpoint; absent unless `ocpp.enabled`. */
  bridge?: OcppBridge;
  /** Commands to the connected chargers (with the endpoint only). */
  gateway?: ChargerGateway;
  /**
   * REJECTED at once for a command whose charger is offline (with the endpoint, unless
   * `rejectCommandsWhenOffline` is false); for the commands the gateway takes.
   */
  decider?: CommandDecider;
  /** Serves the endpoint on `server` (nothing when disabled). */
  attach(server: Server): void;
  /** Closes the chargers' connections; their EVSEs are UNKNOWN once it resolves. */
  close(): Promise<void>;
}

/** The charger registry of a node, and its OCPP endpoint when `options.enabled`. */
export function createOcpp(
  node: OcpiNode,
  locations: Publisher<'locations'>,
  options: OcppOptions = {},
): Ocpp {
  const registry = new ChargerRegistry(new ChargerRepository(node.store.db), locations);
  const repo = new OcppRepository(node.store.db);
  const idTags = new IdTags(repo);
  const authorizer = new IdTagAuthorizer(
    repo,
    idTags,
    node.clock,
    realTimeAuthorizer(node, node.clock, (options.authorizeTimeoutSeconds ?? 5) * 1000),
  );
  const repo201 = new Ocpp201Repository(node.store.db);
  let gateway: Ocpp16Gateway | undefined;
  const transactionParts = {
    repo,
    chargers: registry,
    authorizer,
    clock: node.clock,
    log: node.log,
    reporter: () => gateway?.reporter,
  };
  const transactions = new Transactions16(transactionParts);
  const transactions201 = new Transactions201({ ...transactionParts, repo201 });
  const reservations = new OcppReservationRepository(node.store.db);
  const watch = new ReservationWatch16({
    repo: reservations,
    clock: node.clock,
    log: node.log,
    reporter: () => gateway?.reporter,
  });
  const bridge = options.enabled
    ? new OcppBridge(
        {
          chargers: registry,
          locations,
          clock: node.clock,
          log: node.log,
          authorizer,
          transactions,
          transactions201,
          statusWatch: (id, report) => watch.statusReported(id, report),
        },
        options,
      )
    : undefined;
  // Instances sharing a PostgreSQL database reach each other's chargers (PGlite: one process).
  const routes =
    bridge && node.store.kind === 'postgres'
      ? new RoutedCalls({
          bridge,
          repo: new OcppRouteRepository(node.store.db),
          bus: node.store.invalidations,
          clock: node.clock,
          log: node.log,
          callTimeoutSeconds: options.callTimeoutSeconds ?? 30,
        })
      : undefined;
  routes?.start();
  let decider: CommandDecider | undefined;
  if (bridge && options.rejectCommandsWhenOffline !== false) {
    const online = routes
      ? (id: string) => routes.isOnline(id)
      : async (id: string) => bridge.isConnected(id);
    decider = offlineDecider({ chargers: registry, repo, online });
  }
  if (bridge) {
    const parts = { bridge: routes ?? bridge, chargers: registry, repo, clock: node.clock };
    const v201 = new Ocpp201Gateway({ ...parts, repo201 });
    gateway = new Ocpp16Gateway({ ...parts, reservations, idTags, v201 });
  }
  return {
    chargers: {
      add: (charger) => registry.add(charger),
      list: () => registry.list(),
      get: (id) => registry.get(id),
      remove: async (id) => {
        if (!(await registry.get(id))) return false;
        // Closed while it is still known, so that its EVSEs become UNKNOWN.
        await bridge?.disconnect(id);
        return registry.remove(id);
      },
    },
    ...(bridge && gateway ? { bridge, gateway } : {}),
    ...(decider ? { decider } : {}),
    attach: (server) => bridge?.attach(server),
    close: async () => {
      await bridge?.close();
      await routes?.close();
    },
  };
}
