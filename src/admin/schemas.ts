import { type TSchema, Type } from '@sinclair/typebox';
import { Int, Opt } from '../model/primitives.ts';
import { ChargingProfile } from '../model/v230/chargingprofiles.ts';
import { PageQuery } from '../transport/route-schemas.ts';

/*
 * The schemas the admin routes declare to Fastify. Params, querystrings and bodies are
 * validated with them (admin-validation.ts); responses only type what the handlers answer.
 * Objects let unknown fields through, as they always did. A schema's `description` is
 * what a body of the wrong shape is told it must be.
 */

/** A Date the handlers answer, which JSON.stringify writes as its ISO text. */
const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

/** A JSON object read by field names, not by schema: objects to load, fields to change. */
const JsonObject = (description?: string) =>
  Type.Record(Type.String(), Type.Unknown(), description ? { description } : {});

const Module = Type.String({ description: 'locations, tariffs or tokens' });

// Params. Module and command names are checked by the handlers: an unknown module is a 404.

export const ModuleParams = Type.Object({ module: Module });

export const PartnerIdParams = Type.Object({ id: Type.String({ description: 'The partner id' }) });

export const PartnerModuleParams = Type.Object({
  partner: Type.String({ description: 'The partner id' }),
  module: Module,
});

/** One of our objects: its module, owner and id (matched case-insensitively on the owner). */
export const OwnObjectParams = Type.Object({
  module: Module,
  cc: Type.String({ description: 'Country code of the owner' }),
  pid: Type.String({ description: 'Party id of the owner' }),
  id: Type.String({ description: 'The object id' }),
});

/** An object, then the path below it (`EVSE-1/1` for a connector, empty for the object). */
export const OwnFieldParams = Type.Object({ ...OwnObjectParams.properties, '*': Type.String() });

export const DeadLetterParams = Type.Object({ id: Type.String({ description: 'The dead letter id' }) });

export const CommandParams = Type.Object({
  command: Type.String({ description: 'start-session, stop-session, reserve-now...' }),
});

export const ProfileParams = Type.Object({
  action: Type.String({ description: 'set, get or clear' }),
});

// Querystrings.

/** offset and limit of an admin list; date filters are not offered. */
export const AdminPageQuery = Type.Pick(PageQuery, ['offset', 'limit']);

/** A page of the outbox or the dead letters, all partners' or one's. */
export const OutboxQuery = Type.Object({
  ...AdminPageQuery.properties,
  partner: Opt(Type.String({ description: 'Only this partner id' })),
});

export const LoadQuery = Type.Object({
  version: Opt(Type.String({ description: 'The OCPI version of the objects (default 2.3.0)' })),
});

export const SyncQuery = Type.Pick(PageQuery, ['date_from']);

// Bodies.

export const RegisterBody = Type.Object({
  versionsUrl: Type.String({ minLength: 1 }),
  token: Type.String({ minLength: 1, maxLength: 64 }),
});

export const TokenBody = Type.Object({
  token: Opt(Type.String({ minLength: 8, maxLength: 64, pattern: '^[\\x21-\\x7e]+$' })),
  label: Opt(Type.String({ maxLength: 100 })),
});

/** One object or a list of them; each is read by the module's schema for `?version=`. */
export const LoadBody = Type.Union([JsonObject(), Type.Array(JsonObject())], {
  description: 'an object or an array of objects',
});

export const PatchBody = JsonObject('an object of the fields to change');

/** `partner` is required, but checked after the command name: an unknown command is said first. */
export const CommandBody = Type.Object({
  partner: Opt(Type.String({ description: "The CPO: 'CC*PID' or a partner id" })),
  /**
   * The command's object without response_url, in the 2.3.0 shape; `token` may be the uid
   * of one of our tokens. Checked against the command's schema when it is sent.
   */
  request: Opt(JsonObject()),
  /** After an accepted START_SESSION, stream the session this many seconds (at most 3600). */
  follow: Opt(Type.Union([Type.Number(), Type.Null()])),
});

const DisplayTexts = Type.Array(Type.Object({ language: Type.String(), text: Type.String() }));

/** One line of what POST /admin/commands/{command} streams (NDJSON), in the order they come. */
export const CommandStreamLine = Type.Union([
  Type.Object({
    id: Type.String(),
    response: Type.Object({ result: Type.String(), timeout: Opt(Int()), message: Opt(DisplayTexts) }),
  }),
  Type.Object({
    result: Type.Object({
      result: Type.String(),
      source: Type.Union([Type.Literal('partner'), Type.Literal('response'), Type.Literal('local-timeout')]),
      message: Opt(DisplayTexts),
    }),
  }),
  Type.Object({ session: JsonObject() }),
  Type.Object({ cdr: JsonObject() }),
]);

export const ProfileBody = Type.Object({
  partner: Opt(Type.String({ description: "The CPO: 'CC*PID' or a partner id" })),
  session: Type.String({ description: "The CPO's session id" }),
  /** set: the profile to apply (2.3.0 shape). */
  profile: Opt(ChargingProfile),
  /** get: the seconds of profile asked for (default 900). */
  duration: Opt(Int()),
});

// Responses: the envelope around each route's data.

export function answer<T extends TSchema>(data: T) {
  return Type.Object({
    data: Opt(data),
    status_code: Int(),
    status_message: Opt(Type.String()),
    timestamp: Type.String(),
  });
}

/** An envelope without data (a deletion). */
export const Acknowledged = Type.Object({
  status_code: Int(),
  status_message: Opt(Type.String()),
  timestamp: Type.String(),
});

const BusinessDetails = Type.Object({
  name: Type.String(),
  website: Opt(Type.String()),
  logo: Opt(
    Type.Object({
      url: Type.String(),
      thumbnail: Opt(Type.String()),
      category: Type.String(),
      type: Type.String(),
      width: Opt(Int()),
      height: Opt(Int()),
    }),
  ),
});

/** A party behind a hub partner, as the hub reported it (HubClientInfo). */
const HubClient = Type.Object({
  countryCode: Type.String(),
  partyId: Type.String(),
  /** The role as the hub gave it (a 2.2.1 hub may say HUB). */
  role: Type.String(),
  status: Type.Union([
    Type.Literal('CONNECTED'),
    Type.Literal('OFFLINE'),
    Type.Literal('PLANNED'),
    Type.Literal('SUSPENDED'),
  ]),
  lastUpdated: Timestamp,
});

const Partner = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('registered')]),
  version: Type.String(),
  versionsUrl: Type.String(),
  tokenEncoding: Type.Union([Type.Literal('base64'), Type.Literal('raw')]),
  parties: Type.Array(
    Type.Object({
      role: Type.String(),
      countryCode: Type.String(),
      partyId: Type.String(),
      businessDetails: BusinessDetails,
    }),
  ),
  endpoints: Type.Array(
    Type.Object({
      identifier: Type.String(),
      role: Opt(Type.Union([Type.Literal('SENDER'), Type.Literal('RECEIVER')])),
      url: Type.String(),
    }),
  ),
  hubPartyId: Opt(Type.String()),
  /** For a hub: the parties behind it and the status of each, as far as it told us. */
  hubClients: Opt(Type.Array(HubClient)),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const PartnerAnswer = answer(Partner);
export const PartnersAnswer = answer(Type.Array(Partner));
export const HubClientsAnswer = answer(Type.Array(HubClient));

export const UnregisteredAnswer = answer(
  Type.Object({
    partnerId: Type.String(),
    remote: Type.Union([Type.Literal('unregistered'), Type.Literal('failed')]),
    message: Opt(Type.String()),
  }),
);

export const RegistrationTokenAnswer = answer(
  Type.Object({ token: Type.String(), versionsUrl: Type.String() }),
);

/** A page of objects in the canonical (2.3.0) shape. */
export const PageAnswer = answer(
  Type.Object({ items: Type.Array(JsonObject()), total: Int(), cursor: Opt(Type.String()) }),
);

export const LoadedAnswer = answer(Type.Object({ loaded: Int() }));

/** The object as it is after the change. */
export const PatchedAnswer = answer(JsonObject());

/** What the outbox holds and what it gave up on: the fields both have. */
const OutboxMessage = {
  id: Type.String(),
  partnerId: Type.String(),
  orderingKey: Type.String(),
  kind: Type.String(),
  method: Type.String(),
  url: Type.String(),
  headers: Opt(Type.Record(Type.String(), Type.String())),
  body: Opt(Type.Unknown()),
  createdAt: Timestamp,
  attempts: Int(),
  firstFailedAt: Opt(Timestamp),
  lastError: Opt(Type.String()),
};

export const OutboxAnswer = answer(
  Type.Object({
    pending: Int(),
    deadLetters: Int(),
    entries: Type.Array(Type.Object({ ...OutboxMessage, nextAttemptAt: Opt(Timestamp) })),
  }),
);

export const DeadLettersAnswer = answer(Type.Array(Type.Object({ ...OutboxMessage, deadAt: Timestamp })));

export const ReplayedAnswer = answer(Type.Object({ replayed: Int() }));

// Payments (2.3.0): the Terminals of the node.

export const TerminalIdParams = Type.Object({
  id: Type.String({ description: 'Terminal.terminal_id' }),
});

/** POST /admin/terminals/:id/assign: each list given replaces the Terminal's. */
export const AssignBody = Type.Object({
  location_ids: Opt(Type.Array(Type.String())),
  evse_uids: Opt(Type.Array(Type.String())),
  /** When two PTP partners posted a Terminal of this id: which one. */
  partner: Opt(Type.String({ description: "The PTP: a partner id or 'CC*PID'" })),
});

const TerminalRow = Type.Object({
  /** '' for our own (PTP), else the PTP partner that posted it (CPO). */
  partnerId: Type.String(),
  terminal: JsonObject(),
  linked: Type.Array(Type.String()),
  /** When a CPO deactivated it; absent while active. */
  deactivatedAt: Opt(Type.String({ format: 'date-time' })),
});
export const TerminalsAnswer = answer(Type.Array(TerminalRow));

/** GET /admin/terminals/activations: the activation requests CPO partners sent (PTP). */
export const ActivationsAnswer = answer(
  Type.Array(
    Type.Object({
      id: Type.String(),
      partnerId: Type.String(),
      activation: JsonObject(),
      receivedAt: Type.String({ format: 'date-time' }),
      answered: Opt(Type.Object({ terminalKey: Type.String(), at: Type.String({ format: 'date-time' }) })),
    }),
  ),
);

/** ?open=true: only the activation requests not answered yet. */
export const ActivationsQuery = Type.Object({
  open: Opt(
    Type.Union([Type.Literal('true'), Type.Literal('false')], {
      description: 'true: only the requests not answered yet',
    }),
  ),
});
export const TerminalAnswer = answer(JsonObject());
