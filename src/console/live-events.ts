import type { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import { isJsonObject, type JsonObject } from '../model/json.ts';
import { OcpiError } from '../transport/errors.ts';
import type { ConsoleGuard } from './guard.ts';
import type { OutboxMonitor } from './outbox-monitor.ts';
import type { LiveEvents } from './schemas.ts';
import type { ConsoleSessions } from './sessions.ts';

/** Open streams at most: each holds a socket and a little memory. */
const MAX_STREAMS = 50;
/** A comment line this often keeps proxies from closing the stream, and checks the session. */
const HEARTBEAT_MS = 15_000;

interface Stream {
  sessionId: string;
  send<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]): void;
  close(): void;
}

/** The fields of a pushed object a console row shows, when they are text. */
function textField(object: JsonObject, field: string): string | undefined {
  const value = object[field];
  return typeof value === 'string' ? value : undefined;
}

/**
 * GET /console/api/events: Server-Sent Events of what changes on the node — the outbox's
 * depth, the partners, objects partners push (sessions, EVSE status), deliveries given up
 * on, the outcomes of commands we sent. A stream ends with `signed-out` when its session ends (sign-out, idle, expiry).
 */
export class LiveStreams {
  private readonly streams = new Set<Stream>();

  constructor(
    private readonly parts: {
      guard: ConsoleGuard;
      sessions: ConsoleSessions;
      monitor: OutboxMonitor;
      events: EventEmitter;
      delivery: DeliveryWorker;
      clock: Clock;
      /** The OCPP bridge: 'connected' and 'disconnected' with a charger's id. */
      chargers?: EventEmitter;
    },
  ) {}

  /** Subscribes to the node's events; returns the function that unsubscribes. */
  listen(): () => void {
    const { monitor, events, delivery, chargers } = this.parts;
    const onDepth = (depth: LiveEvents['outbox']) => this.broadcast('outbox', depth);
    const onPartners = () => this.broadcast('partners', {});
    const onReceived = (event: { module?: unknown; partnerId?: unknown; object?: unknown }) => {
      if (this.streams.size === 0) return;
      if (typeof event.module !== 'string' || typeof event.partnerId !== 'string') return;
      const object = isJsonObject(event.object) ? event.object : {};
      const id = textField(object, 'id') ?? textField(object, 'uid');
      const status = textField(object, 'status');
      this.broadcast('received', {
        module: event.module,
        partnerId: event.partnerId,
        ...(id ? { id } : {}),
        ...(status ? { status } : {}),
      });
    };
    const onPublished = (event: { module?: unknown; object?: unknown }) => {
      if (this.streams.size === 0 || typeof event.module !== 'string') return;
      const object = isJsonObject(event.object) ? event.object : {};
      const id = textField(object, 'id') ?? textField(object, 'uid');
      const status = textField(object, 'status');
      this.broadcast('published', {
        module: event.module,
        ...(id ? { id } : {}),
        ...(status ? { status } : {}),
      });
    };
    const onConnected = (id: unknown) => {
      if (typeof id === 'string') this.broadcast('chargers', { id, online: true });
    };
    const onDisconnected = (id: unknown) => {
      if (typeof id === 'string') this.broadcast('chargers', { id, online: false });
    };
    const onSettled = (event: { id?: unknown; result?: unknown }) => {
      if (typeof event.id === 'string' && typeof event.result === 'string')
        this.broadcast('command', { id: event.id, result: event.result });
    };
    const onDelivered = () => monitor.readSoon();
    const onDead = ({
      deadLetter,
    }: {
      deadLetter: { partnerId: string; kind: string; lastError?: string };
    }) => {
      monitor.readSoon();
      this.broadcast('delivery', {
        outcome: 'dead-lettered',
        partnerId: deadLetter.partnerId,
        kind: deadLetter.kind,
        ...(deadLetter.lastError ? { reason: deadLetter.lastError } : {}),
      });
    };
    const onDropped = ({ entry, reason }: { entry: { partnerId: string; kind: string }; reason: string }) => {
      monitor.readSoon();
      this.broadcast('delivery', {
        outcome: 'dropped',
        partnerId: entry.partnerId,
        kind: entry.kind,
        reason,
      });
    };
    monitor.on('depth', onDepth);
    monitor.on('partners', onPartners);
    events.on('received', onReceived);
    events.on('published', onPublished);
    chargers?.on('connected', onConnected);
    chargers?.on('disconnected', onDisconnected);
    events.on('request-settled', onSettled);
    delivery.on('delivered', onDelivered);
    delivery.on('dead-lettered', onDead);
    delivery.on('dropped', onDropped);
    return () => {
      monitor.off('depth', onDepth);
      monitor.off('partners', onPartners);
      events.off('received', onReceived);
      events.off('published', onPublished);
      chargers?.off('connected', onConnected);
      chargers?.off('disconnected', onDisconnected);
      events.off('request-settled', onSettled);
      delivery.off('delivered', onDelivered);
      delivery.off('dead-lettered', onDead);
      delivery.off('dropped', onDropped);
      for (const stream of this.streams) stream.close();
    };
  }

  /** Ends the streams of a session (it signed out). */
  endSession(sessionId: string): void {
    for (const stream of this.streams)
      if (stream.sessionId === sessionId) {
        stream.send('signed-out', {});
        stream.close();
      }
  }

  route(scope: FastifyInstance): void {
    const { guard, sessions, monitor, clock } = this.parts;
    scope.get('/events', { config: { ocpiAuth: 'none' } }, async (request, reply) => {
      const { id } = guard.require(request);
      if (this.streams.size >= MAX_STREAMS)
        throw new OcpiError('OCPI_ERR_CLIENT', 'too many open console streams', { httpStatus: 503 });
      const body = new Readable({ read() {} });
      const unwatch = monitor.watch();
      let open = true;
      const stream: Stream = {
        sessionId: id,
        send: (event, data) => {
          if (open) body.push(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        },
        close: () => {
          if (!open) return;
          open = false;
          heartbeat.cancel();
          unwatch();
          this.streams.delete(stream);
          body.push(null);
        },
      };
      const heartbeat = clock.setInterval(() => {
        if (!sessions.alive(id)) {
          stream.send('signed-out', {});
          return stream.close();
        }
        if (open) body.push(': ping\n\n');
      }, HEARTBEAT_MS);
      heartbeat.unref();
      this.streams.add(stream);
      reply.raw.on('close', () => stream.close());
      stream.send('outbox', await monitor.depth());
      reply.header('cache-control', 'no-store').header('x-accel-buffering', 'no');
      return reply.type('text/event-stream; charset=utf-8').send(body);
    });
  }

  private broadcast<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]): void {
    for (const stream of this.streams) stream.send(event, data);
  }
}
