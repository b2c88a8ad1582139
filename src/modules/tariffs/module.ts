import { OcpiStatus } from '../../transport/status-codes.ts';
import { objectModule } from '../objects/module.ts';
import type { ObjectModuleSpec } from '../objects/spec.ts';

export const tariffsSpec: ObjectModuleSpec<'tariffs'> = {
  id: 'tariffs',
  objectName: 'Tariff',
  idField: 'id',
  ownerRole: 'CPO',
  receiverRoles: ['EMSP', 'PTP'],
  children: [],
  unknownStatus: OcpiStatus.INVALID_PARAMETERS,
  // 2.1.1 let the CPO PATCH tariffs; 2.2 and later do not.
  patch: (version) => version === '2.1.1',
  delete: true,
  senderGetOne: false,
};

/** Tariffs: the CPO publishes, eMSPs and PTPs keep copies (and accept DELETE). */
export const tariffsModule = objectModule(tariffsSpec);
