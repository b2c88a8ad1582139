import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock, ClockTimer } from '../clock.ts';
import type { InvalidationBus } from '../store/invalidation.ts';
import type { OcppRouteRepository } from '../store/ocpp-route-repository.ts';
import { errorMessage } from '../transport/errors.ts';
import type { CallOutcome, OcppBridge } from './csms.ts';

/** What the gateways ask of the chargers: one OCPP call, wherever the charger is connected. */
export interface ChargerCalls {
  call(id: string, action: string, params: Record<string, unknown>): Promise<CallOutcome>;
}

/** A CallOutcome as the holder writes it back (JSON). */
const StoredOutcome = Type.Union([
  Type.Object({ kind: Type.Literal('answered'), payload: Type.Unknown() }),
  Type.Object({ kind: Type.Literal('offline') }),
  Type.Object({ kind: Type.Literal('refused'), code: Type.String() }),
  Type.Object({ kind: Type.Literal('lost'), message: Type.String() }),
]);

/** NOTIFY topics: a call waits for the instance named in the payload; a call (id) was answered. */
const CALL_TOPIC = 'ocpp_call';
const ANSWER_TOPIC = 'ocpp_answer';

export interface RoutedCallsParts {
  bridge: OcppBridge;
  repo: OcppRouteRepository;
  bus: InvalidationBus;
  clock: Clock;
  log: FastifyBaseLogger;
  /** How long a charger may take to answer; a routed call waits this plus a margin. */
  callTimeoutSeconds: number;
  /** How long a claim on a charger lasts unless renewed (default 30 s, renewed every third of it). */
  leaseSeconds?: number;
}

interface Waiter {
  resolve(outcome: CallOutcome): void;
  timer: ClockTimer;
}

/**
 * Calls to chargers across the instances that share one PostgreSQL database.
 *
 * Each instance records the chargers connected to it in ocpi_ocpp_connections with a
 * lease it renews while it runs (a crashed instance's claims run out). A call for a
 * charger connected here goes straight to it. One connected to another instance whose
 * lease holds is written to ocpi_ocpp_calls, and a NOTIFY (sent when that write commits)
 * wakes the holder: it claims the call (an UPDATE, so only once), sends it over its
 * websocket, writes the outcome back and NOTIFYs; the caller reads it and deletes the row.
 * A charger connected nowhere is offline at once. A holder that does not answer within the
 * call timeout (plus a margin for the round trip) leaves the call lost: the node's command
 * timeout answers TIMEOUT. When the listening connection was lost (messages may be missed),
 * the holder looks for calls waiting for it and the callers re-read their outcomes.
 */
export class RoutedCalls implements ChargerCalls {
  readonly instanceId = randomUUID();
  private readonly waiters = new Map<string, Waiter>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly leaseMs: number;
  private renewal: ClockTimer | undefined;
  /** The drain running, if any, and whether another must follow it. */
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private closed = false;

  constructor(private readonly parts: RoutedCallsParts) {
    this.leaseMs = (parts.leaseSeconds ?? 30) * 1000;
  }

  /** Starts claiming the chargers that connect here and serving calls routed to them. */
  start(): void {
    const { bridge, bus, clock } = this.parts;
    const connected = (id: string) =>
      this.safely('claim', () => this.parts.repo.claim(id, this.instanceId, this.until()));
    const disconnected = (id: string) =>
      this.safely('release', () => this.parts.repo.release(id, this.instanceId));
    bridge.on('connected', connected);
    bridge.on('disconnected', disconnected);
    this.unsubscribe.push(
      () => bridge.off('connected', connected),
      () => bridge.off('disconnected', disconnected),
      bus.subscribe(CALL_TOPIC, (instance) => {
        if (instance === undefined || instance === this.instanceId) this.drain();
      }),
      bus.subscribe(ANSWER_TOPIC, (callId) => {
        if (callId === undefined) for (const id of this.waiters.keys()) this.collect(id);
        else if (this.waiters.has(callId)) this.collect(callId);
      }),
    );
    this.renewal = clock
      .setInterval(
        () => this.safely('renew', () => this.parts.repo.renew(this.instanceId, this.until())),
        this.leaseMs / 3,
      )
      .unref();
  }

  async call(id: string, action: string, params: Record<string, unknown>): Promise<CallOutcome> {
    const { bridge, repo, bus, clock } = this.parts;
    if (bridge.isConnected(id) || this.closed) return bridge.call(id, action, params);
    const holder = await repo.holder(id, new Date(clock.now()));
    if (!holder || holder === this.instanceId) return { kind: 'offline' };
    const callId = randomUUID();
    const outcome = new Promise<CallOutcome>((resolve) => {
      const timer = clock.setTimeout(
        () =>
          this.settle(callId, { kind: 'lost', message: 'the instance holding the charger did not answer' }),
        (this.parts.callTimeoutSeconds + 5) * 1000,
      );
      this.waiters.set(callId, { resolve, timer });
    });
    try {
      await repo.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('ocpi_ocpp_calls')
          .values({
            call_id: callId,
            instance_id: holder,
            charger_id: id,
            action,
            params: JSON.stringify(params),
            created_at: new Date(clock.now()),
          })
          .execute();
        await bus.publish(CALL_TOPIC, holder, trx);
      });
    } catch (error) {
      this.settle(callId, { kind: 'lost', message: errorMessage(error) });
    }
    return outcome;
  }

  /**
   * Whether the charger is connected here, or to another instance whose lease on it holds (a
   * claim of ours without the connection is one whose release has yet to land).
   */
  async isOnline(id: string): Promise<boolean> {
    if (this.parts.bridge.isConnected(id)) return true;
    const holder = await this.parts.repo.holder(id, new Date(this.parts.clock.now()));
    return holder !== undefined && holder !== this.instanceId;
  }

  /** Stops serving and claiming; calls still waiting are lost. */
  async close(): Promise<void> {
    this.closed = true;
    this.renewal?.cancel();
    for (const off of this.unsubscribe.splice(0)) off();
    for (const id of [...this.waiters.keys()]) this.settle(id, { kind: 'lost', message: 'shutting down' });
    await this.draining;
    await this.safely('release all', () => this.parts.repo.releaseAll(this.instanceId));
  }

  private until(): Date {
    return new Date(this.parts.clock.now() + this.leaseMs);
  }

  /** Reads a call's outcome; when it is there, the caller has it and the row goes. */
  private collect(callId: string): void {
    void this.safely('collect', async () => {
      const text = await this.parts.repo.outcome(callId);
      if (text === undefined) return;
      const parsed: unknown = JSON.parse(text);
      this.settle(
        callId,
        Value.Check(StoredOutcome, parsed) ? parsed : { kind: 'lost', message: 'an unreadable outcome' },
      );
    });
  }

  private settle(callId: string, outcome: CallOutcome): void {
    const waiter = this.waiters.get(callId);
    if (!waiter) return;
    this.waiters.delete(callId);
    waiter.timer.cancel();
    waiter.resolve(outcome);
    void this.safely('forget', () => this.parts.repo.forget(callId));
  }

  /** Serves the calls waiting for this instance, one drain at a time. */
  private drain(): void {
    if (this.closed) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.safely('serve', async () => {
      do {
        this.drainAgain = false;
        const calls = await this.parts.repo.claimCalls(this.instanceId, new Date(this.parts.clock.now()));
        await Promise.all(
          calls.map(async (row) => {
            const params: unknown = JSON.parse(row.params);
            const outcome: CallOutcome =
              typeof params === 'object' && params !== null && !Array.isArray(params)
                ? await this.parts.bridge.call(row.charger_id, row.action, { ...params })
                : { kind: 'lost', message: 'unreadable params' };
            await this.parts.repo.db.transaction().execute(async (trx) => {
              await trx
                .updateTable('ocpi_ocpp_calls')
                .set({ outcome: JSON.stringify(outcome) })
                .where('call_id', '=', row.call_id)
                .execute();
              await this.parts.bus.publish(ANSWER_TOPIC, row.call_id, trx);
            });
          }),
        );
      } while (this.drainAgain && !this.closed);
    }).finally(() => {
      this.draining = undefined;
    });
  }

  private async safely(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.parts.log.error({ err: errorMessage(error) }, `OCPP routing: ${what} failed`);
    }
  }
}
