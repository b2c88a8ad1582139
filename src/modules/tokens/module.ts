import { OcpiStatus } from '../../transport/status-codes.ts';
import { objectModule } from '../objects/module.ts';
import type { ObjectModuleSpec } from '../objects/spec.ts';
import { authorizeRoute } from './authorize.ts';

export const tokensSpec: ObjectModuleSpec<'tokens'> = {
  id: 'tokens',
  objectName: 'Token',
  idField: 'uid',
  ownerRole: 'EMSP',
  receiverRoles: ['CPO'],
  children: [],
  subtype: { query: 'type', field: 'type', default: 'RFID' },
  unknownStatus: OcpiStatus.UNKNOWN_TOKEN,
  patch: () => true,
  delete: false,
  senderGetOne: false,
};

/** Tokens: the eMSP publishes and authorizes in real time (sender), CPOs keep copies (receiver). */
export const tokensModule = objectModule(tokensSpec, authorizeRoute);
