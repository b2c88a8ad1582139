import { CpoChargingProfiles } from '../modules/chargingprofiles/cpo-profiles.ts';
import { chargingProfilesModule } from '../modules/chargingprofiles/module.ts';
import { ScspChargingProfiles } from '../modules/chargingprofiles/scsp-profiles.ts';
import { DEFAULT_RESULT_BACKLOG } from '../modules/commands/result-backlog.ts';
import type { OcpiModule, OcpiNode } from '../node.ts';
import type { Commands } from './commands.ts';
import type { OcpiAppOptions } from './options.ts';

/** Both sides of the ChargingProfiles module, and the module that mounts them. */
export interface ChargingProfiles {
  cpo: CpoChargingProfiles;
  scsp: ScspChargingProfiles;
  module: OcpiModule;
}

/**
 * ChargingProfiles: the CPO side talks to the same charger gateway as commands, and hears
 * the charger's profile outcomes through the commands' reporter.
 */
export function wireChargingProfiles(
  node: OcpiNode,
  options: Pick<OcpiAppOptions, 'commands' | 'chargingProfiles'>,
  commands: Commands,
  wake: () => void,
): ChargingProfiles {
  const cpo = new CpoChargingProfiles(node, {
    gateway: commands.gateway,
    reporter: commands.cpo.gatewayReporter,
    timeoutSeconds: options.chargingProfiles?.timeoutSeconds ?? options.commands?.timeoutSeconds ?? 30,
    rateLimit: options.chargingProfiles?.rateLimit ?? { requests: 10, windowSeconds: 60 },
    wake,
    resultBacklog: { ...DEFAULT_RESULT_BACKLOG, ...options.commands?.resultBacklog },
  });
  commands.cpo.handleProfiles(cpo);
  const scsp = new ScspChargingProfiles(node, { graceSeconds: options.commands?.graceSeconds ?? 5 });
  const module = chargingProfilesModule(cpo, scsp, options.commands?.responseUrlPolicy ?? 'partner-hosts');
  return { cpo, scsp, module };
}
