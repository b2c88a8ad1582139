import { OcpiStatus } from '../../transport/status-codes.ts';
import { objectModule } from '../objects/module.ts';
import type { ObjectModuleSpec } from '../objects/spec.ts';
import { chargingPreferencesRoute } from './charging-preferences.ts';
import { embeddedLocations, tokenAudience } from './service.ts';

export const sessionsSpec: ObjectModuleSpec<'sessions'> = {
  id: 'sessions',
  objectName: 'Session',
  idField: 'id',
  ownerRole: 'CPO',
  // A PTP (2.3.0) receives the Sessions its START_SESSION commands started (its token's party).
  receiverRoles: ['EMSP', 'PTP'],
  children: [],
  unknownStatus: OcpiStatus.INVALID_PARAMETERS,
  patch: () => true,
  delete: false,
  senderGetOne: false,
  // A Session goes to, and is listed for, the eMSP of its token only.
  audience: tokenAudience,
  pushTo: 'audience',
  // A PATCH adds charging periods; correcting them takes a PUT of the whole Session.
  appendOnPatch: ['charging_periods'],
  renderContext: embeddedLocations,
};

/**
 * Sessions: the CPO publishes each to the eMSP of its token (sender, with charging
 * preferences from 2.2); the eMSP keeps them (receiver, PATCH appends charging periods).
 */
export const sessionsModule = objectModule(sessionsSpec, chargingPreferencesRoute(sessionsSpec));
