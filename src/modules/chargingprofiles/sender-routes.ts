import type { FastifyInstance } from 'fastify';
import type { OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';
import type { ScspChargingProfiles } from './scsp-profiles.ts';
import { activeProfileSchema, profileResultSchema } from './sender-schemas.ts';

/**
 * The eMSP/SCSP's sender: POST on the response_urls we gave (the results), and
 * PUT {session_id} (the CPO's update of the active profile). Both answer with no data.
 */
export function profileSenderRoutes(
  app: FastifyInstance,
  version: OcpiVersion,
  _node: OcpiNode,
  profiles: ScspChargingProfiles,
): void {
  app.post<{ Params: { id: string } }>(
    '/results/:id',
    { schema: profileResultSchema(version) },
    async (request) => {
      await profiles.resultPosted(request, version, request.params.id, request.body);
      return envelope(undefined);
    },
  );
  app.put<{ Params: { session_id: string } }>(
    '/:session_id',
    { schema: activeProfileSchema(version) },
    async (request) => {
      await profiles.activePushed(request, version, request.params.session_id, request.body);
      return envelope(undefined);
    },
  );
}
