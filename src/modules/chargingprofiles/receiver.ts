import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseObject, renderObject } from '../../model/objects.ts';
import { SetChargingProfile } from '../../model/v230/chargingprofiles.ts';
import { compileValidator, describeIssues } from '../../model/validate.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { checkResponseUrl, type ResponseUrlPolicy } from '../commands/response-url.ts';
import type { CpoChargingProfiles, ProfileRequest } from './cpo-profiles.ts';
import { clearProfileSchema, getActiveProfileSchema, setProfileSchema } from './route-schemas.ts';

/** The canonical SetChargingProfile, typed (the codecs already read the partner's version). */
const readSetChargingProfile = compileValidator(SetChargingProfile);

/** The profile's numbers a schema does not bound: no negative period start, limit or duration. */
function checkProfileNumbers(body: SetChargingProfile): void {
  const profile = body.charging_profile;
  if (profile.duration !== undefined && profile.duration < 0)
    throw OcpiError.invalid('charging_profile.duration: must not be negative');
  (profile.charging_profile_period ?? []).forEach((p, i) => {
    if (p.start_period < 0)
      throw OcpiError.invalid(
        `charging_profile.charging_profile_period[${i}].start_period: must not be negative`,
      );
    if (p.limit < 0)
      throw OcpiError.invalid(`charging_profile.charging_profile_period[${i}].limit: must not be negative`);
  });
}

/** PUT's body, read leniently in the caller's version and checked: OCPI 2001 naming the field otherwise. */
function readSetBody(version: OcpiVersion, body: unknown): SetChargingProfile {
  const parsed = parseObject(version, 'SetChargingProfile', body);
  const typed = parsed.ok ? readSetChargingProfile(parsed.value) : parsed;
  if (!typed.ok) throw OcpiError.invalid(`invalid SetChargingProfile: ${describeIssues(typed.errors)}`);
  checkProfileNumbers(typed.value);
  return typed.value;
}

/**
 * The CPO's receiver: PUT/GET/DELETE {session_id}, each answered at once with a
 * ChargingProfileResponse; the charger's result follows on the response_url. Bad input
 * (body, duration, response_url) is OCPI 2001 naming the field, with HTTP 200 as commands
 * answer it, and nothing is stored or sent.
 */
export function profileReceiverRoutes(
  app: FastifyInstance,
  version: OcpiVersion,
  node: OcpiNode,
  profiles: CpoChargingProfiles,
  policy: ResponseUrlPolicy,
): void {
  const answer = async (request: FastifyRequest, read: () => ProfileRequest) => {
    const caller = request.ocpi.caller;
    if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
    const profileRequest = read();
    checkResponseUrl(node, caller.partner, profileRequest.responseUrl, policy);
    const verdict = await profiles.request(caller.partner, version, profileRequest);
    request.log.info(
      { request: profileRequest.type, session: profileRequest.sessionId, result: verdict.result },
      'charging profile request answered',
    );
    const response = { result: verdict.result, timeout: profiles.timeoutSeconds };
    return envelope(renderObject(version, 'ChargingProfileResponse', response), undefined, verdict.message);
  };
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  routes.put('/:session_id', { schema: setProfileSchema(version) }, (request) =>
    answer(request, () => {
      const body = readSetBody(version, request.body);
      return {
        type: 'SET_CHARGING_PROFILE',
        sessionId: request.params.session_id,
        responseUrl: body.response_url,
        profile: body.charging_profile,
      };
    }),
  );
  routes.get('/:session_id', { schema: getActiveProfileSchema(version) }, (request) =>
    answer(request, () => ({
      type: 'GET_ACTIVE_CHARGING_PROFILE',
      sessionId: request.params.session_id,
      responseUrl: request.query.response_url,
      durationSeconds: Number(request.query.duration),
    })),
  );
  routes.delete('/:session_id', { schema: clearProfileSchema(version) }, (request) =>
    answer(request, () => ({
      type: 'CLEAR_PROFILE',
      sessionId: request.params.session_id,
      responseUrl: request.query.response_url,
    })),
  );
}
