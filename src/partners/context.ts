import type { FastifyBaseLogger } from 'fastify';
import type { OcpiHttpClient } from '../client/ocpi-http.ts';
import type { OutboundUrlPolicy } from '../client/url-guard.ts';
import type { Clock } from '../clock.ts';
import type { OcpiVersion } from '../model/versions.ts';
import type { Store } from '../store/store.ts';
import type { HubDirectory } from './hubs.ts';
import type { PartnerRegistry } from './registry.ts';
import type { OwnParty } from './types.ts';

/**
 * What the partner handshake and the delivery worker need of a running node. OcpiNode
 * (src/node.ts) extends it with the modules; the layers below the modules see only this part.
 */
export interface PartnersContext {
  readonly versions: readonly OcpiVersion[];
  readonly parties: readonly OwnParty[];
  readonly basePath: string;
  readonly store: Store;
  readonly registry: PartnerRegistry;
  /** The parties behind our hub partners and their connection status (HubClientInfo). */
  readonly hubs: HubDirectory;
  readonly http: OcpiHttpClient;
  readonly urlPolicy: OutboundUrlPolicy;
  readonly log: FastifyBaseLogger;
  /** The time and timers every part of the node reads. */
  readonly clock: Clock;
  /** The base URL partners reach this node at, e.g. https://ocpi.example.com (no trailing slash). */
  publicUrl(): string;
}

type NodeAddress = Pick<PartnersContext, 'publicUrl' | 'basePath'>;

export function versionsUrl(node: NodeAddress): string {
  return `${node.publicUrl()}${node.basePath}/versions`;
}

export function versionUrl(node: NodeAddress, version: OcpiVersion): string {
  return `${node.publicUrl()}${node.basePath}/${version}`;
}
