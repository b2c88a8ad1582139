import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Obj } from '../primitives.ts';
import * as V221 from '../v221/hubclientinfo.ts';
import { Role } from './common.ts';

/** OCPI 2.3.0 Hub Client Info module: the chapter is unchanged, but Role lost HUB. */

export const ConnectionStatus = V221.ConnectionStatus;
export type ConnectionStatus = V221.ConnectionStatus;

/** A party reachable through the hub, and its connection status. */
export const ClientInfo = Obj({ ...V221.ClientInfo.properties, role: Role });
export type ClientInfo = Static<typeof ClientInfo>;

export const objects: ModuleSchemas['objects'] = { ClientInfo, ConnectionStatus };

/** The Receiver interface has GET and PUT only. */
export const patches: ModuleSchemas['patches'] = {};
