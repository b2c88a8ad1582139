import type { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { OcpiVersion } from './model/versions.ts';
import type { ObjectServices } from './modules/objects/service.ts';
import type { ChargingPreferencesHandler } from './modules/sessions/service.ts';
import type { TokenAuthorizer } from './modules/tokens/service.ts';
import type { PartnersContext } from './partners/context.ts';
import type { PaginationOptions } from './transport/pagination.ts';

export { versionsUrl, versionUrl } from './partners/context.ts';

/**
 * What every part of a running node shares. One per createOcpiApp() call: no globals. The
 * layers below the modules (partners, delivery) are handed the PartnersContext part of it.
 */
export interface OcpiNode extends PartnersContext {
  readonly modules: readonly OcpiModule[];
  /**
   * 'received' ({ module, partnerId, object }) after a partner's push was stored;
   * 'request-settled' ({ id, result }) when a command or profile request we sent has its outcome.
   */
  readonly events: EventEmitter;
  /** The business side of each module of client-owned objects. */
  readonly services: ObjectServices;
  readonly paging: Required<PaginationOptions>;
  /** Real-time token authorization (eMSP). */
  readonly authorizeToken: TokenAuthorizer;
  /** Answers charging preferences for our Sessions (CPO, 2.2+). */
  readonly chargingPreferences: ChargingPreferencesHandler;
}

/** One endpoint a module offers in a version's details. */
export interface ModuleEndpoint {
  identifier: string;
  /** Interface role (2.2+); ignored when listing 2.1.1 endpoints. */
  role: 'SENDER' | 'RECEIVER';
  /** Path below the version's base, e.g. `credentials` or `sender/locations`. */
  path: string;
}

/**
 * An OCPI module as the node mounts it: which endpoints it offers in a version (given the
 * node's own roles), and the routes that serve them. It lives here, beside the node that
 * lists the modules and is handed to each.
 */
export interface OcpiModule {
  readonly id: string;
  readonly versions: readonly OcpiVersion[];
  endpoints(version: OcpiVersion, node: OcpiNode): ModuleEndpoint[];
  /** Registers the routes of one version inside a scope prefixed with that version's base path. */
  routes(app: FastifyInstance, version: OcpiVersion, node: OcpiNode): Promise<void> | void;
}
