import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, DateTime, Enum, Obj } from '../primitives.ts';
import { Role } from './common.ts';

/** OCPI 2.2.1 Hub Client Info module. */

/** State of a hub's connection to one party. */
export const ConnectionStatus = Enum(['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'] as const);
export type ConnectionStatus = Static<typeof ConnectionStatus>;

/** A party reachable through the hub, and its connection status. */
export const ClientInfo = Obj({
  party_id: CiString(3),
  country_code: CiString(2),
  role: Role,
  status: ConnectionStatus,
  last_updated: DateTime(),
});
export type ClientInfo = Static<typeof ClientInfo>;

export const objects: ModuleSchemas['objects'] = { ClientInfo, ConnectionStatus };

/** The Receiver interface has GET and PUT only. */
export const patches: ModuleSchemas['patches'] = {};
