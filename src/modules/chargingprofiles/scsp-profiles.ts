import type { OcpiNode } from '../../node.ts';

export interface ScspProfileOptions {
  /** Extra seconds to wait for a result beyond the CPO's timeout (default 5). */
  graceSeconds: number;
}

/**
 * The eMSP/SCSP half of ChargingProfiles: setting, getting and clearing a session's
 * profile at a CPO partner, and receiving the results and active-profile updates.
 */
export class ScspChargingProfiles {
  constructor(
    readonly node: OcpiNode,
    readonly options: ScspProfileOptions,
  ) {}

  stop(): void {}
}
