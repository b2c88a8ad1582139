import { Type } from '@sinclair/typebox';
import { schemaOf } from '../../model/objects.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import { enveloped } from '../../transport/route-schemas.ts';
import { PROFILE_REQUESTS } from './names.ts';

/** POST {response_url}: the result of a profile request we sent, one of three objects by request. */
export function profileResultSchema(version: OcpiVersion) {
  const results = [...new Set(Object.values(PROFILE_REQUESTS).map((r) => r.result))];
  return {
    params: Type.Object({ id: Type.String({ description: 'The id in the response_url we gave' }) }),
    response: { 200: enveloped() },
    openapi: {
      operationId: 'senderChargingProfileResult',
      summary:
        'The result of a profile request we sent (our response_url): ChargingProfileResult for a PUT, ActiveChargingProfileResult for a GET, ClearProfileResult for a DELETE',
      tag: 'chargingprofiles',
      body: { schema: Type.Union(results.map((name) => schemaOf(version, name))), required: true },
    },
  };
}

/** PUT {session_id}: the CPO's update of the profile a session's charger applies. */
export function activeProfileSchema(version: OcpiVersion) {
  return {
    params: Type.Object({
      session_id: Type.String({ maxLength: 36, description: "The CPO's id of the session" }),
    }),
    response: { 200: enveloped() },
    openapi: {
      operationId: 'senderPutActiveChargingProfile',
      summary: 'The active charging profile of one of the CPO’s sessions changed',
      tag: 'chargingprofiles',
      body: { schema: schemaOf(version, 'ActiveChargingProfile'), required: true },
    },
  };
}
