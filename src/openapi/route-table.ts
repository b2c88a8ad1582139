import Fastify, { type FastifySchema } from 'fastify';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { ocpiPlugin } from '../app.ts';
import type { OcpiVersion } from '../model/versions.ts';
import type { OwnParty } from '../partners/types.ts';
import { localInvalidationBus } from '../store/invalidation.ts';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { RouteAuth } from '../transport/context.ts';
import type { HttpMethod } from './types.ts';

/** A route a node registers, as the OpenAPI document needs it. */
export interface RegisteredRoute {
  method: HttpMethod;
  /** Below the base path, with `{param}` placeholders, e.g. `/2.2.1/sender/locations/{location_id}`. */
  path: string;
  schema: FastifySchema;
  auth: RouteAuth;
}

const BASE_PATH = '/ocpi';
const METHODS = new Set<string>(['get', 'put', 'post', 'patch', 'delete']);

function isHttpMethod(method: string): method is HttpMethod {
  return METHODS.has(method);
}

const party = (countryCode: string, partyId: string, role: OwnParty['role']): OwnParty => ({
  countryCode,
  partyId,
  role,
  businessDetails: { name: `${role} node` },
});
const CPO = party('NL', 'CPO', 'CPO');
const EMSP = party('DE', 'MSP', 'EMSP');
const PTP = party('BE', 'PTP', 'PTP');

/**
 * Nodes that together mount every interface of a version: one that plays every role, and
 * in 2.1.1 (one interface per module, the main role's) one per main role.
 */
function configurations(version: OcpiVersion): OwnParty[][] {
  return version === '2.1.1'
    ? [
        [CPO, EMSP],
        [EMSP, CPO],
      ]
    : [[CPO, EMSP, PTP]];
}

/**
 * A store without a database: every query answers no rows. Registering routes reads
 * nothing, and opening a real database would cost seconds.
 */
function storeWithoutDatabase(): Store {
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const invalidations = localInvalidationBus();
  return {
    db,
    kind: 'postgres',
    invalidations,
    close: async () => {
      await invalidations.close();
      await db.destroy();
    },
  };
}

/**
 * The OCPI routes nodes register for a version, whatever roles they play: each node is
 * mounted into a Fastify app that records its routes as they are added, made ready (not
 * listening, with a store without a database) and closed again.
 */
export async function registeredRoutes(version: OcpiVersion): Promise<RegisteredRoute[]> {
  const store = storeWithoutDatabase();
  const routes = new Map<string, RegisteredRoute>();
  try {
    for (const parties of configurations(version)) {
      const app = Fastify({ pluginTimeout: 120_000 });
      app.addHook('onRoute', (route) => {
        if (!route.url.startsWith(`${BASE_PATH}/`)) return;
        const path = route.url
          .slice(BASE_PATH.length)
          .replace(/(.)\/$/, '$1')
          .replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        for (const verb of [route.method].flat()) {
          const method = verb.toLowerCase();
          if (!isHttpMethod(method)) continue; // HEAD, which Fastify adds to every GET
          routes.set(`${method} ${path}`, {
            method,
            path,
            schema: route.schema ?? {},
            auth: route.config?.ocpiAuth ?? 'partner',
          });
        }
      });
      try {
        await app.register(ocpiPlugin, { versions: [version], parties, store, basePath: BASE_PATH });
        await app.ready();
      } finally {
        await app.close();
      }
    }
  } finally {
    await store.close();
  }
  return [...routes.values()];
}
