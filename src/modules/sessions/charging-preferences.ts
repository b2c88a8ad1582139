import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseObject, schemaOf } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { enveloped } from '../../transport/route-schemas.ts';
import { idParam } from '../objects/route-schemas.ts';
import { audienceOf, callerAudiences, type ObjectModuleSpec } from '../objects/spec.ts';
import type { ChargingPreferences } from './service.ts';

/**
 * PUT {sessions}/{session_id}/charging_preferences (Sender interface, 2.2+): the eMSP of
 * the session's token sends the driver's preferences; the node's handler answers with a
 * ChargingPreferencesResponse. A session the caller may not see is unknown: 2001, HTTP 404.
 */
export function chargingPreferencesRoute(spec: ObjectModuleSpec) {
  return (app: FastifyInstance, version: OcpiVersion, node: OcpiNode): void => {
    if (!hasInterfaceRoles(version)) return;
    const schema = {
      params: Type.Object({
        session_id: idParam(version, { objectName: 'Session', idField: 'id' }),
      }),
      response: { 200: enveloped(schemaOf(version, 'ChargingPreferencesResponse')) },
      openapi: {
        operationId: 'senderPutChargingPreferences',
        summary: "The driver's charging preferences for one of our Sessions",
        tag: 'sessions',
        body: { schema: schemaOf(version, 'ChargingPreferences'), required: true },
      },
    };
    const routes = app.withTypeProvider<TypeBoxTypeProvider>();
    routes.put('/:session_id/charging_preferences', { schema }, async (request) => {
      const caller = request.ocpi.caller;
      if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
      const id = request.params.session_id;
      const session = await node.services[spec.id].getOwn(id);
      if (!session || !callerAudiences(request).includes(audienceOf(spec, session)))
        throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown Session ${id}`, { httpStatus: 404 });
      const parsed = parseObject(version, 'ChargingPreferences', request.body);
      if (!parsed.ok)
        throw OcpiError.invalid(`invalid ChargingPreferences: ${describeIssues(parsed.errors)}`);
      const answer = await node.chargingPreferences(
        session,
        // Checked against the ChargingPreferences schema of the version, which its type comes from.
        parsed.value as ChargingPreferences,
        caller.partner,
      );
      return envelope(answer);
    });
  };
}
