import { Type } from '@sinclair/typebox';
import { AdminPageQuery, answer } from '../admin/schemas.ts';
import { Int, Opt } from '../model/primitives.ts';
import { Status } from '../model/v221/locations.ts';

/*
 * The schemas of the console's list pages (Locations, Sessions, CDRs, Chargers). The page's
 * typed client is generated from them (scripts/console/api-types.ts).
 */

export const EvsesQuery = Type.Object({
  ...AdminPageQuery.properties,
  status: Opt(Type.Union(Status.anyOf, { description: 'Only EVSEs of this status' })),
});

export const EvseRow = Type.Object({
  locationId: Type.String(),
  locationName: Opt(Type.String()),
  address: Type.String(),
  uid: Type.String(),
  evseId: Opt(Type.String()),
  status: Type.String(),
  connectors: Type.Array(
    Type.Object({ id: Type.String(), standard: Type.String(), maxPower: Opt(Type.Number()) }),
  ),
  lastUpdated: Type.String(),
});
export const EvsesAnswer = answer(Type.Object({ total: Int(), items: Type.Array(EvseRow) }));

/** The statuses a Session may have (OCPI 2.3.0 SessionStatus). */
export const SESSION_STATUSES = ['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION'] as const;

export const SessionsQuery = Type.Object({
  ...AdminPageQuery.properties,
  status: Opt(
    Type.Union(
      SESSION_STATUSES.map((s) => Type.Literal(s)),
      { description: 'Only Sessions of this status' },
    ),
  ),
});

export const SessionRow = Type.Object({
  /** 'own', or 'partner:<id>' for one a partner pushed to us. */
  owner: Type.String(),
  /** The CPO party, 'CC*PID'. */
  party: Type.String(),
  id: Type.String(),
  status: Type.String(),
  start: Type.String(),
  end: Opt(Type.String()),
  kwh: Type.Number(),
  locationId: Type.String(),
  evseUid: Type.String(),
  currency: Opt(Type.String()),
  /** total_cost incl. VAT. */
  cost: Opt(Type.Number()),
  lastUpdated: Type.String(),
});
export const SessionsAnswer = answer(Type.Object({ total: Int(), items: Type.Array(SessionRow) }));

export const SessionParams = Type.Object({
  owner: Type.String({ description: "'own' or 'partner:<id>'" }),
  cc: Type.String({ description: 'Country code of the CPO' }),
  pid: Type.String({ description: 'Party id of the CPO' }),
  id: Type.String({ description: 'The Session id' }),
});

export const SessionDetailAnswer = answer(
  Type.Object({
    session: SessionRow,
    /** Energy so far (kWh) and power (kW), from the charging periods. */
    points: Type.Array(Type.Object({ at: Type.String(), kwh: Type.Number(), kw: Opt(Type.Number()) })),
    /** The latest ActiveChargingProfile's limit, in its unit (W or A), when there is one. */
    limit: Opt(
      Type.Object({
        unit: Type.String(),
        steps: Type.Array(Type.Object({ at: Type.String(), limit: Type.Number() })),
      }),
    ),
  }),
);

export const CdrRow = Type.Object({
  owner: Type.String(),
  party: Type.String(),
  id: Type.String(),
  start: Type.String(),
  end: Type.String(),
  locationId: Type.String(),
  evseUid: Type.String(),
  currency: Type.String(),
  /** total_cost before taxes, and with them. */
  exclVat: Opt(Type.Number()),
  inclVat: Opt(Type.Number()),
  /** total_energy, kWh. */
  energy: Type.Number(),
  /** total_time, hours. */
  time: Type.Number(),
  parkingTime: Opt(Type.Number()),
  lastUpdated: Type.String(),
});
export const CdrsAnswer = answer(Type.Object({ total: Int(), items: Type.Array(CdrRow) }));
