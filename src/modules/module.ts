import type { FastifyInstance } from 'fastify';
import type { OcpiVersion } from '../model/versions.ts';
import type { OcpiNode } from '../node.ts';

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
 * node's own roles), and the routes that serve them.
 */
export interface OcpiModule {
  readonly id: string;
  readonly versions: readonly OcpiVersion[];
  endpoints(version: OcpiVersion, node: OcpiNode): ModuleEndpoint[];
  /** Registers the routes of one version inside a scope prefixed with that version's base path. */
  routes(app: FastifyInstance, version: OcpiVersion, node: OcpiNode): Promise<void> | void;
}
