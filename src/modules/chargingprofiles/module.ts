import type { ModuleEndpoint, OcpiModule } from '../../node.ts';
import type { ResponseUrlPolicy } from '../commands/response-url.ts';
import type { CpoChargingProfiles } from './cpo-profiles.ts';
import { PROFILE_VERSIONS } from './names.ts';
import { profileReceiverRoutes } from './receiver.ts';
import type { ScspChargingProfiles } from './scsp-profiles.ts';
import { profileSenderRoutes } from './sender-routes.ts';

/**
 * ChargingProfiles (2.2.1, 2.3.0): a CPO node offers the receiver (set, get, clear a
 * session's profile); an eMSP node the sender, which takes the asynchronous results and
 * the CPO's updates of the active profile. An SCSP uses the eMSP side.
 */
export function chargingProfilesModule(
  cpo: CpoChargingProfiles,
  scsp: ScspChargingProfiles,
  policy: ResponseUrlPolicy,
): OcpiModule {
  const roles = (node: Parameters<OcpiModule['endpoints']>[1]) => ({
    receiver: node.parties.some((p) => p.role === 'CPO'),
    sender: node.parties.some((p) => p.role === 'EMSP'),
  });
  return {
    id: 'chargingprofiles',
    versions: PROFILE_VERSIONS,
    endpoints(_version, node) {
      const r = roles(node);
      const list: ModuleEndpoint[] = [];
      if (r.receiver)
        list.push({ identifier: 'chargingprofiles', role: 'RECEIVER', path: 'receiver/chargingprofiles' });
      if (r.sender)
        list.push({ identifier: 'chargingprofiles', role: 'SENDER', path: 'sender/chargingprofiles' });
      return list;
    },
    async routes(app, version, node) {
      const r = roles(node);
      if (r.receiver)
        await app.register(async (scope) => profileReceiverRoutes(scope, version, node, cpo, policy), {
          prefix: '/receiver/chargingprofiles',
        });
      if (r.sender)
        await app.register(async (scope) => profileSenderRoutes(scope, version, node, scsp), {
          prefix: '/sender/chargingprofiles',
        });
    },
  };
}
