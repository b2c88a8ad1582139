import type { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { OcpiHttpClient } from './client/ocpi-http.ts';
import type { OutboundUrlPolicy } from './client/url-guard.ts';
import type { Clock } from './clock.ts';
import type { OcpiVersion } from './model/versions.ts';
import type { OcpiModule } from './modules/module.ts';
import type { ObjectService } from './modules/objects/service.ts';
import type { ObjectModuleId } from './modules/objects/spec.ts';
import type { ChargingPreferencesHandler } from './modules/sessions/service.ts';
import type { TokenAuthorizer } from './modules/tokens/authorize.ts';
import type { PartnerRegistry } from './partners/registry.ts';
import type { OwnParty } from './partners/types.ts';
import type { Store } from './store/store.ts';
import type { PaginationOptions } from './transport/pagination.ts';

/** What every part of a running node shares. One per createOcpiApp() call: no globals. */
export interface OcpiNode {
  readonly versions: readonly OcpiVersion[];
  readonly parties: readonly OwnParty[];
  readonly modules: readonly OcpiModule[];
  readonly basePath: string;
  readonly store: Store;
  readonly registry: PartnerRegistry;
  readonly http: OcpiHttpClient;
  readonly urlPolicy: OutboundUrlPolicy;
  readonly log: FastifyBaseLogger;
  /** The time and timers every part of the node reads. */
  readonly clock: Clock;
  /** 'received' ({ module, partnerId, object }) after a partner's push was stored. */
  readonly events: EventEmitter;
  /** The business side of each module of client-owned objects. */
  readonly services: Record<ObjectModuleId, ObjectService>;
  readonly paging: Required<PaginationOptions>;
  /** Real-time token authorization (eMSP). */
  readonly authorizeToken: TokenAuthorizer;
  /** Answers charging preferences for our Sessions (CPO, 2.2+). */
  readonly chargingPreferences: ChargingPreferencesHandler;
  /** The base URL partners reach this node at, e.g. https://ocpi.example.com (no trailing slash). */
  publicUrl(): string;
}

export function versionsUrl(node: OcpiNode): string {
  return `${node.publicUrl()}${node.basePath}/versions`;
}

export function versionUrl(node: OcpiNode, version: OcpiVersion): string {
  return `${node.publicUrl()}${node.basePath}/${version}`;
}
