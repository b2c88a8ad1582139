import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { deadLetterDepth, outboxDepth } from '../delivery/depth.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import { PROFILE_REQUESTS } from '../modules/chargingprofiles/names.ts';
import { commandOutcomes } from '../store/command-outcomes.ts';
import type { Database } from '../store/schema.ts';
import type { NodeMetrics } from './metrics.ts';

const isProfileRequest = (command: string) => Object.hasOwn(PROFILE_REQUESTS, command);

/**
 * What the node's metrics are made of besides HTTP and store timings: the delivery
 * worker's events as counters (this process's work), and the outbox, dead letters and
 * command outcomes read from the store when scraped (the store's state, so every
 * instance on one database shows the same figures).
 */
export function collectNodeMetrics(
  metrics: NodeMetrics,
  db: Kysely<Database>,
  delivery: DeliveryWorker,
  clock: Clock,
): void {
  delivery.on('delivered', ({ entry }) =>
    metrics.deliveries.inc({ partner: entry.partnerId, kind: entry.kind }),
  );
  delivery.on('failed', ({ entry }) =>
    metrics.deliveryFailures.inc({ partner: entry.partnerId, kind: entry.kind }),
  );
  delivery.on('dead-lettered', ({ deadLetter }) =>
    metrics.deadLettered.inc({ partner: deadLetter.partnerId, kind: deadLetter.kind }),
  );
  delivery.on('dropped', ({ entry }) => metrics.dropped.inc({ partner: entry.partnerId, kind: entry.kind }));

  metrics.gauge(
    'ocpi_outbox_pending',
    'Messages waiting in the outbox, by partner',
    ['partner'],
    async (g) => {
      for (const d of await outboxDepth(db)) g.set({ partner: d.partnerId }, d.pending);
    },
  );
  metrics.gauge(
    'ocpi_outbox_oldest_age_seconds',
    'Age of the oldest message waiting in the outbox, by partner',
    ['partner'],
    async (g) => {
      const now = clock.now();
      for (const d of await outboxDepth(db))
        g.set({ partner: d.partnerId }, Math.max(0, (now - d.oldest.getTime()) / 1000));
    },
  );
  metrics.gauge('ocpi_dead_letters', 'Dead letters kept in the store, by partner', ['partner'], async (g) => {
    for (const d of await deadLetterDepth(db)) g.set({ partner: d.partnerId }, d.count);
  });
  // Commands and ChargingProfile requests share a table; each gets its own metric.
  metrics.gauge(
    'ocpi_command_results',
    'Commands kept in the store by direction (received as CPO, sent as eMSP), command and result (or pending, timed_out)',
    ['direction', 'command', 'outcome'],
    async (g) => {
      for (const c of await commandOutcomes(db))
        if (!isProfileRequest(c.command))
          g.set({ direction: c.direction, command: c.command, outcome: c.outcome }, c.count);
    },
  );
  metrics.gauge(
    'ocpi_charging_profile_results',
    'ChargingProfile requests kept in the store by direction, request and result (or pending, timed_out)',
    ['direction', 'command', 'outcome'],
    async (g) => {
      for (const c of await commandOutcomes(db))
        if (isProfileRequest(c.command))
          g.set({ direction: c.direction, command: c.command, outcome: c.outcome }, c.count);
    },
  );
}
