import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * What the command line reads of the admin API's answers: the fields it shows, checked,
 * since the node may be another version of this toolkit. Other fields are ignored here
 * (`--json` prints the whole answer as it came).
 */
export const AdminReply = Type.Object({
  status_code: Type.Number(),
  status_message: Type.Optional(Type.String()),
  data: Type.Optional(Type.Unknown()),
});

export const PartnerReply = Type.Object({
  id: Type.String(),
  status: Type.String(),
  version: Type.String(),
  versionsUrl: Type.String(),
  parties: Type.Array(
    Type.Object({ countryCode: Type.String(), partyId: Type.String(), role: Type.String() }),
  ),
  /** A hub's parties, as it reported them (HubClientInfo). */
  hubClients: Type.Optional(
    Type.Array(
      Type.Object({
        countryCode: Type.String(),
        partyId: Type.String(),
        role: Type.String(),
        status: Type.String(),
      }),
    ),
  ),
});
export type PartnerReply = Static<typeof PartnerReply>;

export const UnregisterReply = Type.Object({ remote: Type.String(), message: Type.Optional(Type.String()) });

export const LoadReply = Type.Object({ loaded: Type.Number() });

export const ReplayReply = Type.Object({ replayed: Type.Number() });

export const DeadLetterReply = Type.Object({
  id: Type.String(),
  method: Type.String(),
  url: Type.String(),
  attempts: Type.Number(),
  lastError: Type.Optional(Type.String()),
});

export const RegistrationTokenReply = Type.Object({ token: Type.String(), versionsUrl: Type.String() });

export const ChargerReply = Type.Object({
  id: Type.String(),
  locationId: Type.String(),
  evses: Type.Record(Type.String(), Type.String()),
  online: Type.Boolean(),
  ocppVersion: Type.Optional(Type.String()),
  lastHeartbeat: Type.Optional(Type.String()),
});
export type ChargerReply = Static<typeof ChargerReply>;

export const AddedChargerReply = Type.Object({ charger: ChargerReply, password: Type.String() });

/** The progress and the result lines of a sync (PullProgress). */
export const PullProgressReply = Type.Object({
  pages: Type.Number(),
  received: Type.Number(),
  skipped: Type.Number(),
  total: Type.Optional(Type.Number()),
});
export type PullProgressReply = Static<typeof PullProgressReply>;

/** The answer as the schema types it; an answer of another shape is an error. */
export function readReply<S extends TSchema>(schema: S, data: unknown, what: string): Static<S> {
  if (Value.Check(schema, data)) return data;
  const first = Value.Errors(schema, data).First();
  throw new Error(
    `the node answered ${what} with an unexpected shape${first ? ` (${first.path || '/'}: ${first.message})` : ''}`,
  );
}
