import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets of HTTP requests, in seconds: 1 ms to 10 s. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Store statements are shorter: 50 µs to 1 s. */
const QUERY_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

/**
 * The Prometheus metrics of one node, in a Registry of its own: two nodes in one process
 * (most e2e tests, a CPO and an eMSP side by side) never mix their figures, and nothing
 * lands in prom-client's global registry.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'ocpi_http_request_duration_seconds',
    help: 'HTTP requests served, by method, route pattern and status code (the _count is the number of requests)',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  readonly queryDuration = new Histogram({
    name: 'ocpi_store_query_duration_seconds',
    help: 'Statements sent to the store, by kind (select, insert, update, delete, raw...)',
    labelNames: ['kind'] as const,
    buckets: QUERY_BUCKETS,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'ocpi_deliveries_total',
    help: 'Outbox messages delivered to partners, by partner and kind',
    labelNames: ['partner', 'kind'] as const,
    registers: [this.registry],
  });
  readonly deliveryFailures = new Counter({
    name: 'ocpi_delivery_failures_total',
    help: 'Failed delivery attempts (retried later), by partner and kind',
    labelNames: ['partner', 'kind'] as const,
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'ocpi_dead_lettered_total',
    help: 'Outbox messages this process moved to the dead letters, by partner and kind',
    labelNames: ['partner', 'kind'] as const,
    registers: [this.registry],
  });
  readonly dropped = new Counter({
    name: 'ocpi_deliveries_dropped_total',
    help: 'Outbox messages dropped because their partner is no longer registered',
    labelNames: ['partner', 'kind'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose values are read when scraped. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (gauge: Gauge<L>) => Promise<void>,
  ): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await collect(this);
      },
    });
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Times every request of `instance` (onResponse, so the whole answer counts), by route
   * pattern rather than raw URL (bounded label values); requests no route took are
   * counted under `(unmatched)`. Requests slower than `slowRequestMs` are logged at warn,
   * the only per-request line written at the default level.
   */
  observeRequests(instance: FastifyInstance, slowRequestMs: number): void {
    instance.addHook('onResponse', async (request, reply) => {
      const ms = reply.elapsedTime;
      this.httpDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? '(unmatched)',
          status_code: reply.statusCode,
        },
        ms / 1000,
      );
      if (ms >= slowRequestMs)
        request.log.warn(
          { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: ms },
          'slow request',
        );
    });
  }

  /** A Kysely plugin that times each statement from compilation to its result. */
  queryTimer(): KyselyPlugin {
    // A duration, not a time of day: the monotonic clock, as Fastify's reply.elapsedTime
    // uses. Keyed by the query's id object, so that an abandoned query is simply forgotten.
    const started = new WeakMap<object, { at: number; kind: string }>();
    const histogram = this.queryDuration;
    return {
      transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
        started.set(args.queryId, { at: performance.now(), kind: kindOf(args.node) });
        return args.node;
      },
      async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
        const start = started.get(args.queryId);
        if (start) histogram.observe({ kind: start.kind }, (performance.now() - start.at) / 1000);
        return args.result;
      },
    };
  }
}

/** 'SelectQueryNode' → 'select', 'RawNode' → 'raw'. */
function kindOf(node: RootOperationNode): string {
  return node.kind.replace(/(Query)?Node$/, '').toLowerCase();
}
