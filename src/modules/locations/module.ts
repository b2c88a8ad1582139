import { OcpiStatus } from '../../transport/status-codes.ts';
import { objectModule } from '../objects/module.ts';
import type { ObjectModuleSpec } from '../objects/spec.ts';

export const locationsSpec: ObjectModuleSpec<'locations'> = {
  id: 'locations',
  objectName: 'Location',
  idField: 'id',
  ownerRole: 'CPO',
  receiverRoles: ['EMSP', 'PTP'],
  children: [
    { objectName: 'EVSE', arrayField: 'evses', idField: 'uid' },
    { objectName: 'Connector', arrayField: 'connectors', idField: 'id' },
  ],
  unknownStatus: OcpiStatus.UNKNOWN_LOCATION,
  patch: () => true,
  delete: false,
  senderGetOne: true,
};

/** Locations: the CPO publishes (sender), eMSPs and PTPs keep copies (receiver). */
export const locationsModule = objectModule(locationsSpec);
