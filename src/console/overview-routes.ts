import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { AdminPageQuery } from '../admin/schemas.ts';
import { formatDateTime } from '../model/datetime.ts';
import { COMMAND_OBJECTS } from '../modules/commands/names.ts';
import { type OcpiNode, versionsUrl } from '../node.ts';
import { recentCommands } from '../store/command-history.ts';
import { overviewCounts } from '../store/overview-counts.ts';
import { storeReadiness } from '../store/readiness.ts';
import { envelope } from '../transport/envelope.ts';
import type { ConsoleGuard } from './guard.ts';
import { listPage } from './list-routes.ts';
import type { OutboxMonitor } from './outbox-monitor.ts';
import { CommandsAnswer, OutboxDepthAnswer, OverviewAnswer } from './schemas.ts';

const COMMAND_NAMES = Object.keys(COMMAND_OBJECTS);

/**
 * What the console reads beyond the admin API: GET /overview (who the node is, whether its
 * store is ready, what it holds), GET /outbox (depth per partner and the last hour) and
 * GET /commands (the latest commands, both directions).
 */
export function overviewRoutes(
  scope: FastifyInstance,
  parts: { node: OcpiNode; guard: ConsoleGuard; monitor: OutboxMonitor },
): void {
  const { node, guard, monitor } = parts;
  const config = { ocpiAuth: 'none' as const };
  const routes = scope.withTypeProvider<TypeBoxTypeProvider>();

  routes.get('/overview', { config, schema: { response: { 200: OverviewAnswer } } }, async (request) => {
    guard.require(request);
    const [readiness, counts, depth] = await Promise.all([
      storeReadiness(node.store.db),
      overviewCounts(node.store.db),
      monitor.depth(),
    ]);
    return envelope({
      node: {
        versionsUrl: versionsUrl(node),
        versions: [...node.versions],
        parties: node.parties.map((p) => ({
          countryCode: p.countryCode,
          partyId: p.partyId,
          role: p.role,
          name: p.businessDetails.name,
        })),
      },
      readiness,
      counts: { ...counts, outboxPending: depth.pending, deadLetters: depth.deadLetters },
    });
  });

  routes.get('/outbox', { config, schema: { response: { 200: OutboxDepthAnswer } } }, async (request) => {
    guard.require(request);
    await monitor.read();
    return envelope({ ...(await monitor.depth()), history: monitor.history() });
  });

  routes.get(
    '/commands',
    { config, schema: { querystring: AdminPageQuery, response: { 200: CommandsAnswer } } },
    async (request) => {
      guard.require(request);
      const { total, items } = await recentCommands(node.store.db, COMMAND_NAMES, listPage(request.query));
      return envelope({ total, items: items.map((c) => ({ ...c, createdAt: formatDateTime(c.createdAt) })) });
    },
  );
}
