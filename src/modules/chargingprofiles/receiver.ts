import type { FastifyInstance } from 'fastify';
import type { OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import type { ResponseUrlPolicy } from '../commands/response-url.ts';
import type { CpoChargingProfiles } from './cpo-profiles.ts';

/**
 * The CPO's receiver: PUT/GET/DELETE {session_id}, each answered at once with a
 * ChargingProfileResponse; the charger's result follows on the response_url.
 */
export function profileReceiverRoutes(
  _app: FastifyInstance,
  _version: OcpiVersion,
  _node: OcpiNode,
  _profiles: CpoChargingProfiles,
  _policy: ResponseUrlPolicy,
): void {
  // TODO(chargingprofiles CPO side)
}
