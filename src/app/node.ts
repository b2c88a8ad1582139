import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { OcpiHttpClient } from '../client/ocpi-http.ts';
import { type Clock, systemClock } from '../clock.ts';
import { SUPPORTED_VERSIONS } from '../model/versions.ts';
import type { CanonicalObjects } from '../modules/objects/canonical.ts';
import { RenderedCache } from '../modules/objects/rendered-cache.ts';
import { type ObjectService, type ObjectServices, StoreObjectService } from '../modules/objects/service.ts';
import type { ObjectModuleId } from '../modules/objects/spec.ts';
import { defaultChargingPreferences } from '../modules/sessions/service.ts';
import { defaultAuthorizer } from '../modules/tokens/service.ts';
import type { OcpiModule, OcpiNode } from '../node.ts';
import { HubDirectory } from '../partners/hubs.ts';
import { PartnerRegistry } from '../partners/registry.ts';
import type { OwnParty } from '../partners/types.ts';
import { openStore, type Store, type StoreOptions } from '../store/store.ts';
import { OcpiError } from '../transport/errors.ts';
import { listenUrl } from '../transport/server.ts';
import type { OcpiAppOptions } from './options.ts';

const DEFAULT_PARTY: OwnParty = {
  countryCode: 'NL',
  partyId: 'ACM',
  role: 'CPO',
  businessDetails: { name: 'OCPI toolkit node' },
};
const STALE_HANDSHAKE_MS = 5 * 60_000;

/** The node every module is handed, and whether its store is ours to close. */
export interface OpenedNode {
  node: OcpiNode;
  ownsStore: boolean;
}

/**
 * The store as the node uses it: its statements pass `plugin` (the node's query timer).
 * Closing it closes the store itself.
 */
function withPlugin(store: Store, plugin: KyselyPlugin): Store {
  return {
    db: store.db.withPlugin(plugin),
    kind: store.kind,
    invalidations: store.invalidations,
    close: () => store.close(),
  };
}

function isStore(value: StoreOptions | Store | undefined): value is Store {
  return typeof value === 'object' && value !== null && 'db' in value;
}

/**
 * Opens the store (unless one is passed in), the partner registry, the outbound HTTP client
 * and the object services, and makes the node of them. `modules` becomes the node's list of
 * modules, for the caller to fill in once they are wired to the node. `queryPlugin` sees
 * every statement the node sends to the store.
 */
export async function openNode(
  app: FastifyInstance,
  options: OcpiAppOptions,
  modules: readonly OcpiModule[],
  queryPlugin?: KyselyPlugin,
): Promise<OpenedNode> {
  const opened = isStore(options.store)
    ? options.store
    : await openStore(options.store ?? { kind: 'pglite', dataDir: 'memory' });
  const store = queryPlugin ? withPlugin(opened, queryPlugin) : opened;
  const clock = options.clock ?? systemClock;
  const registry = new PartnerRegistry(store, {
    clock,
    ...(options.tokenCacheTtlMs === undefined ? {} : { tokenCacheTtlMs: options.tokenCacheTtlMs }),
  });
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
    hubs: new HubDirectory(store, clock),
    http: new OcpiHttpClient(options.http, options.outboundUrlPolicy),
    urlPolicy: options.outboundUrlPolicy ?? {},
    log: app.log,
    clock,
    events: new EventEmitter(),
    services: objectServices(store, options, clock),
    paging: {
      maxLimit: options.paging?.maxLimit ?? 100,
      defaultLimit: options.paging?.defaultLimit ?? options.paging?.maxLimit ?? 100,
    },
    authorizeToken: options.authorizeToken ?? defaultAuthorizer,
    chargingPreferences: options.chargingPreferences ?? defaultChargingPreferences,
    publicUrl: publicUrlOf(app, options.publicUrl),
  };
  await prepareRegistry(app, registry, options.registrationTokens ?? []);
  return { node, ownsStore: !isStore(options.store) };
}

/**
 * The services of our objects: the ones passed in, and our store for the others, which share
 * one budget of rendered JSON.
 */
function objectServices(
  store: Store,
  options: Pick<OcpiAppOptions, 'services' | 'readCache'>,
  clock: Clock,
): ObjectServices {
  const custom = options.services;
  const maxIndexedObjects = options.readCache?.maxIndexedObjects;
  const storeOptions = {
    // PostgreSQL has autovacuum; the embedded store gets its statistics refreshed by us.
    analyze: store.kind === 'pglite',
    // PostgreSQL commits several batches at once (their fsyncs overlap); PGlite has one connection.
    receivedWriteConcurrency: store.kind === 'postgres' ? 4 : 1,
    invalidations: store.invalidations,
    clock,
    rendered: new RenderedCache(options.readCache?.maxRenderedBytes),
    ...(maxIndexedObjects === undefined ? {} : { maxIndexedObjects }),
  };
  const serviceOf = <M extends ObjectModuleId>(module: M): ObjectService<CanonicalObjects[M]> =>
    custom?.[module] ?? new StoreObjectService<CanonicalObjects[M]>(module, store.db, storeOptions);
  return {
    locations: serviceOf('locations'),
    tariffs: serviceOf('tariffs'),
    tokens: serviceOf('tokens'),
    sessions: serviceOf('sessions'),
    cdrs: serviceOf('cdrs'),
    booking_locations: serviceOf('booking_locations'),
    bookings: serviceOf('bookings'),
  };
}

/** The node's public URL: the configured one, or else the address the server listens on, once it does. */
function publicUrlOf(app: FastifyInstance, configured: string | undefined): () => string {
  let publicUrl = configured?.replace(/\/+$/, '');
  app.addHook('onListen', async () => {
    publicUrl ??= listenUrl(app.server.address());
  });
  return () => {
    if (!publicUrl)
      throw new OcpiError(
        'OCPI_ERR_CONFIG',
        'publicUrl is not known before the server listens; pass it in the options',
      );
    return publicUrl;
  };
}

/** Forgets handshakes left half done, and adds the configured registration tokens. */
async function prepareRegistry(
  app: FastifyInstance,
  registry: PartnerRegistry,
  registrationTokens: string[],
): Promise<void> {
  await registry.dropStalePending(STALE_HANDSHAKE_MS);
  for (const token of registrationTokens)
    if ((await registry.addRegistrationToken(token, 'configured')) !== 'live')
      app.log.warn('a configured registration token was used already; it is not accepted again');
}
