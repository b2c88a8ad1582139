import type { FastifyInstance } from 'fastify';
import type { OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import type { ScspChargingProfiles } from './scsp-profiles.ts';

/**
 * The eMSP/SCSP's sender: POST on the response_urls we gave (the results), and
 * PUT {session_id} (the CPO's update of the active profile).
 */
export function profileSenderRoutes(
  _app: FastifyInstance,
  _version: OcpiVersion,
  _node: OcpiNode,
  _profiles: ScspChargingProfiles,
): void {
  // TODO(chargingprofiles SCSP side)
}
