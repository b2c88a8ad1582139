import { Type } from '@sinclair/typebox';
import { schemaOf } from '../../model/objects.ts';
import { CiString, Url } from '../../model/primitives.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import { enveloped } from '../../transport/route-schemas.ts';

/*
 * The route schemas of the CPO's ChargingProfiles Receiver interface: the session in the
 * path, GET's and DELETE's parameters in the query, PUT's SetChargingProfile documented as
 * its body. Every answer is a ChargingProfileResponse.
 */

const SessionParams = Type.Object({
  session_id: CiString(36, { description: 'The id of one of our sessions' }),
});

const responseUrl = (result: string) =>
  Url({ description: `Where the ${result} is POSTed when the charger answered` });

/** A whole number of seconds as URL text, at least 1. */
const Duration = Type.String({
  pattern: '^0*[1-9][0-9]{0,8}$',
  description: 'Length of the requested ActiveChargingProfile, in seconds',
  ocpiType: 'int',
});

function schema(version: OcpiVersion, operationId: string, summary: string) {
  return {
    params: SessionParams,
    response: { 200: enveloped(schemaOf(version, 'ChargingProfileResponse')) },
    openapi: { operationId, summary, tag: 'chargingprofiles' },
  };
}

/** PUT {session_id}: SetChargingProfile in. */
export function setProfileSchema(version: OcpiVersion) {
  const base = schema(
    version,
    'receiverPutChargingProfile',
    "Sets or replaces the session's charging profile; the ChargingProfileResult follows on response_url",
  );
  return {
    ...base,
    openapi: { ...base.openapi, body: { schema: schemaOf(version, 'SetChargingProfile'), required: true } },
  };
}

/** GET {session_id}?duration=&response_url=. */
export function getActiveProfileSchema(version: OcpiVersion) {
  return {
    ...schema(
      version,
      'receiverGetActiveChargingProfile',
      "Asks for the session's ActiveChargingProfile; the ActiveChargingProfileResult follows on response_url",
    ),
    querystring: Type.Object({
      duration: Duration,
      response_url: responseUrl('ActiveChargingProfileResult'),
    }),
  };
}

/** DELETE {session_id}?response_url=. */
export function clearProfileSchema(version: OcpiVersion) {
  return {
    ...schema(
      version,
      'receiverDeleteChargingProfile',
      "Clears the session's charging profile; the ClearProfileResult follows on response_url",
    ),
    querystring: Type.Object({ response_url: responseUrl('ClearProfileResult') }),
  };
}
