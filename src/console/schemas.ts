import { type Static, Type } from '@sinclair/typebox';
import { answer } from '../admin/schemas.ts';
import { Int, Opt } from '../model/primitives.ts';

/*
 * The console's own routes (beside the admin API, whose schemas the console uses for the
 * rest). The page's typed client is generated from these and the admin schemas
 * (scripts/console-api-types.ts), so that both sides change together.
 */

/** A point in time as the console's routes send it (ISO 8601). */
const Instant = Type.String({ format: 'date-time' });

export const SignInBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 512, description: 'The admin token' }),
});

export const Session = Type.Object({
  /** Send it as X-CSRF-Token with every request that changes something. */
  csrfToken: Type.String(),
  /** When the session ends at the latest; it ends sooner when idle for `idleMinutes`. */
  expiresAt: Instant,
  idleMinutes: Int(),
  /** Whether the node's OCPP bridge takes chargers (the console shows them then). */
  ocppBridge: Type.Boolean(),
});
export const SessionAnswer = answer(Session);

const PartnerDepth = Type.Object({
  partnerId: Type.String(),
  pending: Int(),
  /** Age of the oldest waiting message, seconds (absent when none waits). */
  oldestAgeSeconds: Opt(Type.Number()),
  deadLetters: Int(),
});

/** The outbox now: totals and each partner's share. */
export const OutboxDepth = Type.Object({
  at: Instant,
  pending: Int(),
  deadLetters: Int(),
  partners: Type.Array(PartnerDepth),
});
export type OutboxDepth = Static<typeof OutboxDepth>;

/** One sample of the outbox's history. */
export const DepthSample = Type.Object({ at: Instant, pending: Int(), deadLetters: Int() });
export type DepthSample = Static<typeof DepthSample>;

export const OutboxDepthAnswer = answer(
  Type.Object({ ...OutboxDepth.properties, history: Type.Array(DepthSample) }),
);

export const Overview = Type.Object({
  node: Type.Object({
    versionsUrl: Type.String(),
    versions: Type.Array(Type.String()),
    parties: Type.Array(
      Type.Object({
        countryCode: Type.String(),
        partyId: Type.String(),
        role: Type.String(),
        name: Type.String(),
      }),
    ),
  }),
  readiness: Type.Object({ ready: Type.Boolean(), reason: Opt(Type.String()) }),
  counts: Type.Object({
    partners: Type.Object({ registered: Int(), pending: Int() }),
    locations: Int(),
    /** Our EVSEs by status (AVAILABLE, CHARGING, ...). */
    evses: Type.Record(Type.String(), Int()),
    /** Sessions ACTIVE now: ours (CPO) and those partners pushed to us (eMSP). */
    liveSessions: Int(),
    outboxPending: Int(),
    deadLetters: Int(),
  }),
});
export type Overview = Static<typeof Overview>;
export const OverviewAnswer = answer(Overview);

export const CommandEntry = Type.Object({
  id: Type.String(),
  direction: Type.Union([Type.Literal('received'), Type.Literal('sent')]),
  partnerId: Type.String(),
  /** The party at the other end ('CC*PID'), behind a hub or not. */
  party: Opt(Type.String()),
  command: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('done'), Type.Literal('timed_out')]),
  result: Opt(Type.String()),
  createdAt: Instant,
  /** The request in the 2.3.0 shape. */
  request: Type.Unknown(),
});
export const CommandsAnswer = answer(Type.Object({ total: Int(), items: Type.Array(CommandEntry) }));

/** What a partner pushed to us, as the live stream tells it: enough to update a row or refetch. */
export const ReceivedNotice = Type.Object({
  module: Type.String(),
  partnerId: Type.String(),
  id: Opt(Type.String()),
  status: Opt(Type.String()),
});
export type ReceivedNotice = Static<typeof ReceivedNotice>;

/** A delivery that ended: delivered, or given up on (a dead letter). */
export const DeliveryNotice = Type.Object({
  outcome: Type.Union([Type.Literal('delivered'), Type.Literal('dead-lettered'), Type.Literal('dropped')]),
  partnerId: Type.String(),
  kind: Type.String(),
  reason: Opt(Type.String()),
});
export type DeliveryNotice = Static<typeof DeliveryNotice>;

/**
 * The events of GET /console/api/events (Server-Sent Events), by event name. `partners`
 * says the partner list changed (fetch it again); `signed-out` ends the stream.
 */
export const LiveEvents = Type.Object({
  outbox: OutboxDepth,
  partners: Type.Object({}),
  received: ReceivedNotice,
  delivery: DeliveryNotice,
  /** One of our objects changed (an EVSE's status, a Session): `id` is the changed object's or child's. */
  published: Type.Object({ module: Type.String(), id: Opt(Type.String()), status: Opt(Type.String()) }),
  /** A charger of the OCPP bridge connected or went away. */
  chargers: Type.Object({ id: Type.String(), online: Type.Boolean() }),
  /** A command (or profile request) we sent has its outcome. */
  command: Type.Object({ id: Type.String(), result: Type.String() }),
  'signed-out': Type.Object({}),
});
export type LiveEvents = Static<typeof LiveEvents>;
