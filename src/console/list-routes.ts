import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AdminPageQuery } from '../admin/schemas.ts';
import type { OcpiNode } from '../node.ts';
import { ActiveProfileRepository } from '../store/active-profile-repository.ts';
import { cdrPage, evsePage, findSession, sessionPage } from '../store/console-lists.ts';
import { envelope } from '../transport/envelope.ts';
import { OcpiError } from '../transport/errors.ts';
import { readPageRequest } from '../transport/pagination.ts';
import type { ConsoleGuard } from './guard.ts';
import {
  CdrsAnswer,
  EvsesAnswer,
  EvsesQuery,
  SessionDetailAnswer,
  SessionParams,
  SessionsAnswer,
  SessionsQuery,
} from './page-schemas.ts';
import { limitSteps, sessionPoints } from './session-chart.ts';

/** A page of a console list: 20 unless asked, at most 200. */
export function listPage(query: Static<typeof AdminPageQuery>): { offset: number; limit: number } {
  const { offset, limit } = readPageRequest(query, { maxLimit: 200, defaultLimit: 20 });
  return { offset, limit };
}

/**
 * The console's list pages, each paged by the node: GET /evses (our EVSEs with their
 * Location and status, of one status if asked), GET /sessions (ours and partners', latest
 * change first) and GET /sessions/:owner/:cc/:pid/:id (one, with its chart's points and
 * the limit of its latest charging profile), GET /cdrs (with their priced totals).
 */
export function listRoutes(scope: FastifyInstance, parts: { node: OcpiNode; guard: ConsoleGuard }): void {
  const { node, guard } = parts;
  const config = { ocpiAuth: 'none' as const };
  const routes = scope.withTypeProvider<TypeBoxTypeProvider>();

  routes.get(
    '/evses',
    { config, schema: { querystring: EvsesQuery, response: { 200: EvsesAnswer } } },
    async (request) => {
      guard.require(request);
      const { status } = request.query;
      return envelope(
        await evsePage(node.store.db, { ...listPage(request.query), ...(status ? { status } : {}) }),
      );
    },
  );

  routes.get(
    '/sessions',
    { config, schema: { querystring: SessionsQuery, response: { 200: SessionsAnswer } } },
    async (request) => {
      guard.require(request);
      const { status } = request.query;
      return envelope(
        await sessionPage(node.store.db, { ...listPage(request.query), ...(status ? { status } : {}) }),
      );
    },
  );

  routes.get(
    '/cdrs',
    { config, schema: { querystring: AdminPageQuery, response: { 200: CdrsAnswer } } },
    async (request) => {
      guard.require(request);
      return envelope(await cdrPage(node.store.db, listPage(request.query)));
    },
  );

  const profiles = new ActiveProfileRepository(node.store.db);
  routes.get(
    '/sessions/:owner/:cc/:pid/:id',
    { config, schema: { params: SessionParams, response: { 200: SessionDetailAnswer } } },
    async (request) => {
      guard.require(request);
      const { owner, cc, pid, id } = request.params;
      const found = await findSession(node.store.db, { owner, countryCode: cc, partyId: pid, id });
      if (!found)
        throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown Session ${id}`, {
          statusCode: 2000,
          httpStatus: 404,
        });
      // Profiles are what a CPO partner pushed for its session (we asked as its eMSP).
      const partnerId = owner.startsWith('partner:') ? owner.slice('partner:'.length) : undefined;
      const active = partnerId ? await profiles.latest(partnerId, id) : undefined;
      return envelope({
        session: found.row,
        points: sessionPoints(found.data),
        ...(active ? { limit: limitSteps(active) } : {}),
      });
    },
  );
}
