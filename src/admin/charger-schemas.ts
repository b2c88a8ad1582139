import { Type } from '@sinclair/typebox';
import { Opt } from '../model/primitives.ts';
import { answer } from './schemas.ts';

/* The schemas of the admin routes of the OCPP bridge's chargers (see charger-routes.ts). */

const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

export const ChargerIdParams = Type.Object({
  id: Type.String({ description: "The charger's OCPP identity" }),
});

export const NewChargerBody = Type.Object(
  {
    id: Type.String({ description: "The charger's OCPP identity (the last segment of its URL)" }),
    locationId: Type.String({ description: 'The id of one of our Locations' }),
    password: Opt(Type.String({ description: 'HTTP Basic password, 16 to 40 characters; default: made up' })),
    evses: Opt(
      Type.Record(Type.String(), Type.String(), {
        description: 'Connector number to EVSE uid; default: connector n is the n-th EVSE',
      }),
    ),
  },
  { description: 'a charger: {id, locationId, password?, evses?}' },
);

const ChargerView = Type.Object({
  id: Type.String(),
  countryCode: Type.String(),
  partyId: Type.String(),
  locationId: Type.String(),
  evses: Type.Record(Type.String(), Type.String()),
  online: Type.Boolean(),
  ocppVersion: Opt(Type.String()),
  lastHeartbeat: Opt(Timestamp),
});

export const ChargersAnswer = answer(Type.Array(ChargerView));

export const AddedChargerAnswer = answer(Type.Object({ charger: ChargerView, password: Type.String() }));

export const RemovedChargerAnswer = answer(Type.Object({ id: Type.String(), removed: Type.Boolean() }));
