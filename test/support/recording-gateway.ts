import type { ChargerCommand, ChargerGateway, GatewayReporter } from '../../src/modules/commands/gateway.ts';
import type { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';

/** The simulator, remembering the commands that reach the chargers. */
export class RecordingGateway implements ChargerGateway {
  readonly seen: ChargerCommand[] = [];
  constructor(readonly inner: SimulatedGateway) {}
  execute(command: ChargerCommand, report: GatewayReporter) {
    this.seen.push(command);
    return this.inner.execute(command, report);
  }
}
