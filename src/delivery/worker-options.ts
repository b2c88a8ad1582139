import type { OcpiHttpClient } from '../client/ocpi-http.ts';
import type { Clock } from '../clock.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import type { Store } from '../store/store.ts';
import type { BackoffOptions } from './backoff.ts';
import type { DeliveryLogger } from './events.ts';
import type { HubReports } from './hub-hold.ts';
import type { OutboxEntry, OutboxMessage } from './outbox.ts';

export interface DeliveryWorkerOptions {
  store: Store;
  /** Where partners' outbound tokens and token encodings come from. */
  registry: PartnerRegistry;
  /** The node's outbound client. Its timeout must be shorter than `leaseMs`. */
  http: OcpiHttpClient;
  /** The node's pino logger (default: silent). Tokens are never logged. */
  log?: DeliveryLogger;
  /** Due times, leases, the retry window and the worker's timers follow it (default the system clock). */
  clock?: Clock;
  /** Random numbers in [0, 1) for the backoff jitter (default Math.random). */
  random?: () => number;
  /** Identifies this worker in leases (default host:pid:process start:random, see lease-holder.ts). */
  workerId?: string;
  /** Retry delays (default 1 s, ×2 per failure, at most 5 min, ±10 %). */
  backoff?: BackoffOptions;
  /**
   * A message that fails when its key has been failing for longer than this is
   * dead-lettered (default 24 h). The time runs from its first failure or, for a message
   * queued behind one that was dead-lettered, from that one's first failure.
   */
  retryWindowMs?: number;
  /**
   * How long a claimed row belongs to this worker (default 60 s). After it, another
   * worker may take the row, so it must exceed the HTTP timeout by a margin.
   */
  leaseMs?: number;
  /** Most rows claimed in one query (default 50). */
  batchSize?: number;
  /** Most deliveries in flight at once (default 128). */
  concurrency?: number;
  /**
   * Most deliveries in flight to one partner at once (default a quarter of
   * `concurrency`, at least 1): a partner that hangs holds no more slots than this while
   * its calls run into the HTTP timeout, and the other partners get the rest.
   */
  partnerConcurrency?: number;
  /** Look for due rows this often even when not woken (default 1 s). */
  pollIntervalMs?: number;
  /** How long stop() waits for deliveries in flight (default 15 s). */
  stopTimeoutMs?: number;
  /** How long a partner's token and encoding are reused between deliveries (default 1 s). */
  partnerCacheMs?: number;
  /**
   * The PUT of the whole, current object that replaces a refused PATCH of it (the spec's
   * answer to a receiver that does not know the object): same partner and ordering key,
   * rendered for the partner now. Undefined (or no function): the PATCH is dead-lettered.
   */
  wholeObject?: (entry: OutboxEntry) => Promise<OutboxMessage | undefined>;
  /**
   * The hubs' reports of the parties behind them (the node's HubDirectory): a party back
   * CONNECTED has its held messages resumed at once (see hub-hold.ts).
   */
  hubs?: HubReports;
}
