import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DeliveryWorker } from '../delivery/worker.ts';
import { objectNames, parseObject } from '../model/objects.ts';
import { describeIssues } from '../model/validate.ts';
import { isSupportedVersion } from '../model/versions.ts';
import { syncFromPartner } from '../modules/objects/client.ts';
import { ownContext } from '../modules/objects/parties.ts';
import type { Publisher } from '../modules/objects/publisher.ts';
import type { ObjectRef } from '../modules/objects/service.ts';
import type { ObjectModuleId, ObjectModuleSpec } from '../modules/objects/spec.ts';
import type { OcpiNode } from '../node.ts';
import { envelope } from '../transport/envelope.ts';
import { OcpiError } from '../transport/errors.ts';
import { readPageRequest } from '../transport/pagination.ts';
import { streamProgress, syncOptions } from './progress-stream.ts';
import {
  Acknowledged,
  AdminPageQuery,
  DeadLetterParams,
  DeadLettersAnswer,
  LoadBody,
  LoadedAnswer,
  LoadQuery,
  ModuleParams,
  OutboxAnswer,
  OutboxQuery,
  OwnFieldParams,
  OwnObjectParams,
  PageAnswer,
  PartnerModuleParams,
  PatchBody,
  PatchedAnswer,
  ReplayedAnswer,
  SyncQuery,
} from './schemas.ts';

export interface AdminObjects {
  /** The publishers of the modules whose own objects the admin API loads (not our Bookings). */
  publishers: Partial<Record<ObjectModuleId, Publisher>>;
  specs: Record<ObjectModuleId, ObjectModuleSpec>;
  delivery: DeliveryWorker;
}

/** A module as an admin URL names it; `booking-locations` is booking_locations. Own keys only. */
function moduleOf(objects: AdminObjects, name: string): ObjectModuleId {
  const id = name.replaceAll('-', '_');
  for (const known of Object.keys(objects.specs))
    if (known === id && Object.hasOwn(objects.specs, id)) return known as ObjectModuleId;
  throw new OcpiError(2000, `unknown module ${name}; use locations, tariffs, tokens or booking-locations`, {
    httpStatus: 404,
  });
}

/** The publisher of a module whose own objects are loaded here. */
function publisherOf(objects: AdminObjects, name: string): Publisher {
  const publisher = objects.publishers[moduleOf(objects, name)];
  if (!publisher)
    throw new OcpiError(2000, `${name} are not loaded through the admin API`, { httpStatus: 404 });
  return publisher;
}

/** offset and limit of an admin list (checked by AdminPageQuery), at most 1000 a page. */
function adminPage(
  query: Static<typeof AdminPageQuery>,
  defaultLimit = 100,
): { offset: number; limit: number } {
  const { offset, limit } = readPageRequest(query, { maxLimit: 1000, defaultLimit });
  return { offset, limit };
}

const whose = (partnerId: string | undefined) => (partnerId === undefined ? {} : { partnerId });

/** Which of our objects the URL names; the owner is matched upper-cased. */
function ownRef(params: Static<typeof OwnObjectParams>): ObjectRef {
  return { countryCode: params.cc.toUpperCase(), partyId: params.pid.toUpperCase(), id: params.id };
}

/**
 * Admin API for our own objects (load, patch, delete: each change is pushed to the
 * partners), pulling a partner's objects, and the outbox (pending, dead letters, replay).
 */
export function adminObjectRoutes(app: FastifyInstance, node: OcpiNode, objects: AdminObjects) {
  const config = { ocpiAuth: 'none' as const };
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();

  routes.get(
    '/objects/:module',
    { config, schema: { params: ModuleParams, querystring: AdminPageQuery, response: { 200: PageAnswer } } },
    async (request) => {
      return envelope(await publisherOf(objects, request.params.module).list(adminPage(request.query)));
    },
  );

  // Body: one object or an array of objects, in canonical (2.3.0) shape or `?version=`
  // (2.1.1 objects name no owner: they are our party's of the module's owner role).
  routes.put(
    '/objects/:module',
    {
      config,
      schema: {
        params: ModuleParams,
        querystring: LoadQuery,
        body: LoadBody,
        response: { 200: LoadedAnswer },
      },
    },
    async (request) => {
      const id = moduleOf(objects, request.params.module);
      const publisher = publisherOf(objects, request.params.module);
      const version = request.query.version ?? '2.3.0';
      if (!isSupportedVersion(version)) throw OcpiError.invalid(`version: unsupported ${version}`);
      if (!objectNames(version).includes(objects.specs[id].objectName))
        throw OcpiError.invalid(`version: OCPI ${version} has no ${objects.specs[id].objectName}`);
      const context = ownContext(objects.specs[id], version, node.parties);
      const items = Array.isArray(request.body) ? request.body : [request.body];
      // Everything is checked first: a file with one broken object loads nothing.
      for (const [i, item] of items.entries()) {
        const parsed = parseObject(version, objects.specs[id].objectName, item, { context });
        if (!parsed.ok) throw OcpiError.invalid(`object ${i}: ${describeIssues(parsed.errors)}`);
      }
      for (const item of items) await publisher.put(item, version, context);
      return envelope({ loaded: items.length });
    },
  );

  routes.patch(
    '/objects/:module/:cc/:pid/:id/*',
    { config, schema: { params: OwnFieldParams, body: PatchBody, response: { 200: PatchedAnswer } } },
    async (request) => {
      const publisher = publisherOf(objects, request.params.module);
      const path = request.params['*'].split('/').filter(Boolean);
      return envelope(await publisher.patch(ownRef(request.params), path, request.body));
    },
  );

  routes.delete(
    '/objects/:module/:cc/:pid/:id',
    { config, schema: { params: OwnObjectParams, response: { 200: Acknowledged } } },
    async (request) => {
      const id = moduleOf(objects, request.params.module);
      if (!(await publisherOf(objects, request.params.module).delete(ownRef(request.params))))
        throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown ${id} object`, {
          statusCode: 2000,
          httpStatus: 404,
        });
      return envelope(undefined);
    },
  );

  // Streams progress as NDJSON lines, then the result line, so the CLI can draw a progress bar.
  routes.post(
    '/partners/:partner/sync/:module',
    { config, schema: { params: PartnerModuleParams, querystring: SyncQuery } },
    async (request, reply) => {
      const id = moduleOf(objects, request.params.module);
      const options = syncOptions(request.query);
      return streamProgress(reply, (onPage) =>
        syncFromPartner(node, request.params.partner, objects.specs[id], { ...options, onPage }),
      );
    },
  );

  routes.get(
    '/partners/:partner/objects/:module',
    {
      config,
      schema: { params: PartnerModuleParams, querystring: AdminPageQuery, response: { 200: PageAnswer } },
    },
    async (request) => {
      const id = moduleOf(objects, request.params.module);
      return envelope(await node.services[id].listReceived(request.params.partner, adminPage(request.query)));
    },
  );

  // Pages (offset, limit; at most 1000): a long outbox is read a page at a time.
  routes.get(
    '/outbox',
    { config, schema: { querystring: OutboxQuery, response: { 200: OutboxAnswer } } },
    async (request) => {
      const partnerId = request.query.partner;
      return envelope({
        pending: await objects.delivery.pending(partnerId),
        deadLetters: await objects.delivery.deadLetterCount(partnerId),
        entries: await objects.delivery.listPending({ ...adminPage(request.query), ...whose(partnerId) }),
      });
    },
  );
  routes.get(
    '/dead-letters',
    { config, schema: { querystring: OutboxQuery, response: { 200: DeadLettersAnswer } } },
    async (request) =>
      envelope(
        await objects.delivery.listDeadLetters({
          ...adminPage(request.query, 1000),
          ...whose(request.query.partner),
        }),
      ),
  );
  routes.post(
    '/dead-letters/:id/replay',
    { config, schema: { params: DeadLetterParams, response: { 200: ReplayedAnswer } } },
    async (request) => {
      if (!(await objects.delivery.replay(request.params.id)))
        throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `no dead letter ${request.params.id}`, {
          statusCode: 2000,
          httpStatus: 404,
        });
      return envelope({ replayed: 1 });
    },
  );
  routes.post('/dead-letters/replay', { config, schema: { response: { 200: ReplayedAnswer } } }, async () =>
    envelope({ replayed: await objects.delivery.replayAll() }),
  );
}
