import type { ActiveChargingProfile, ChargingProfileResultType } from '../../model/v230/chargingprofiles.ts';
import type { OcpiNode } from '../../node.ts';
import type { ChargerGateway, GatewayReporter } from '../commands/gateway.ts';

export interface CpoProfileOptions {
  gateway: ChargerGateway;
  /** What the gateway is handed with each request, to report back. */
  reporter: GatewayReporter;
  /** Seconds announced in ChargingProfileResponse.timeout; the TIMEOUT-style result follows after it. */
  timeoutSeconds: number;
  /** Called after each commit that enqueued something. */
  wake: () => void;
}

/**
 * The CPO half of ChargingProfiles: each request is persisted, handed to the charger
 * without waiting, and exactly one result goes to its response_url through the outbox.
 */
export class CpoChargingProfiles {
  constructor(
    readonly node: OcpiNode,
    readonly options: CpoProfileOptions,
  ) {}

  /** The charger's outcome of a profile request. */
  profileOutcome(
    _requestId: string,
    _result: ChargingProfileResultType,
    _active?: ActiveChargingProfile,
  ): void {}

  /** The charger changed a session's active profile on its own. */
  activeProfileChanged(_sessionId: string, _active: ActiveChargingProfile): void {}

  /** After a restart: results for what expired while we were down, timers for the rest. */
  async resume(): Promise<void> {}

  stop(): void {}
}
