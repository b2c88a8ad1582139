import { OcpiStatus } from '../../transport/status-codes.ts';
import { objectModule } from '../objects/module.ts';
import type { ObjectModuleSpec } from '../objects/spec.ts';
import { embeddedLocations, tokenAudience } from '../sessions/service.ts';

export const cdrsSpec: ObjectModuleSpec<'cdrs'> = {
  id: 'cdrs',
  objectName: 'CDR',
  idField: 'id',
  ownerRole: 'CPO',
  // A PTP (2.3.0) receives the CDRs of the sessions it started (see payments/service.ts).
  receiverRoles: ['EMSP', 'PTP'],
  children: [],
  unknownStatus: OcpiStatus.INVALID_PARAMETERS,
  patch: () => false,
  delete: false,
  senderGetOne: false,
  // POSTed once, never changed: corrections are new (credit) CDRs.
  receive: 'post',
  // A CDR goes to, and is listed for, the eMSP of its token only.
  audience: tokenAudience,
  pushTo: 'audience',
  renderContext: embeddedLocations,
};

/** CDRs: the CPO sends each to the eMSP of its token (sender, pull); the eMSP keeps them (receiver, POST). */
export const cdrsModule = objectModule(cdrsSpec);
