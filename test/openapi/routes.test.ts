import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OcpiVersion,
  type OwnParty,
  ocpiPlugin,
  openApiDocument,
  SUPPORTED_VERSIONS,
} from '../../src/index.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { memoryStore } from '../support/stores.ts';

/*
 * The document lists exactly the OCPI routes a node registers: a node that plays every role
 * is mounted into a bare Fastify app that records each route, and every recorded route must
 * be an operation of the document and every operation a recorded route.
 */

const CPO: OwnParty = { countryCode: 'NL', partyId: 'CPO', role: 'CPO', businessDetails: { name: 'CPO' } };
const EMSP: OwnParty = { countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'eMSP' } };
const PTP: OwnParty = { countryCode: 'BE', partyId: 'PTP', role: 'PTP', businessDetails: { name: 'PTP' } };

/**
 * Routes registered only to answer 405 (CDRs cannot be replaced, changed or deleted): not
 * operations a partner can use, so not in the document.
 */
const METHOD_NOT_ALLOWED = /^(put|patch|delete) \/ocpi\/[^/]+\/receiver\/cdrs(\/:[^/]+\/:[^/]+\/:[^/]+)?$/;

const apps: { close(): Promise<unknown> }[] = [];
// One store for every node: the routes do not depend on it, and opening one takes a while.
let store: Store;
beforeAll(async () => {
  store = await openStore(memoryStore());
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await store?.close();
});

/** `method /url` of every OCPI route a node with these parties registers for a version. */
async function registeredRoutes(version: OcpiVersion, parties: OwnParty[]): Promise<string[]> {
  const app = Fastify({ pluginTimeout: 60_000 });
  apps.push(app);
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push(`${method.toLowerCase()} ${route.url.replace(/(.)\/$/, '$1')}`);
    }
  });
  await app.register(ocpiPlugin, { versions: [version], parties, store });
  await app.ready();
  return routes;
}

/** Node configurations that together mount every interface of a version (2.1.1 mounts the main role's). */
function configurations(version: OcpiVersion): OwnParty[][] {
  return version === '2.1.1'
    ? [
        [CPO, EMSP],
        [EMSP, CPO],
      ]
    : [[CPO, EMSP, PTP]];
}

/** A Fastify route pattern as a regular expression over concrete paths. */
function routePattern(route: string): RegExp {
  const escaped = route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

describe.each(SUPPORTED_VERSIONS)('OpenAPI paths of OCPI %s', (version) => {
  it('are the routes a node registers, both ways', async () => {
    const registered = [
      ...new Set(
        (
          await Promise.all(configurations(version).map((parties) => registeredRoutes(version, parties)))
        ).flat(),
      ),
    ].filter((r) => !METHOD_NOT_ALLOWED.test(r));
    const doc = openApiDocument(version);
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} /ocpi${path.replace(/\{[^}]+\}/g, 'X1')}`),
    );
    const patterns = registered.map((r) => ({ route: r, pattern: routePattern(r) }));

    const undocumented = patterns
      .filter((p) => !operations.some((o) => p.pattern.test(o)))
      .map((p) => p.route);
    const unserved = operations.filter((o) => !patterns.some((p) => p.pattern.test(o)));
    expect({ undocumented, unserved }).toEqual({ undocumented: [], unserved: [] });
    expect(registered.length).toBeGreaterThan(20);
  });
});
