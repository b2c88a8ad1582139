import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  type ChargerCommand,
  type ChargerGateway,
  type ChargerSessionEvent,
  type CommandDecider,
  createOcpiApp,
  type GatewayReporter,
  type StoreOptions,
} from 'ocpi-toolkit';
import { LOCATION, TARIFF } from './demo-site.ts';

/*
 * A CPO: its charging site, its own decision on each command, and the gateway that hands
 * accepted commands to its chargers. Run it with `npx tsx examples/cpo.ts`; it prints the
 * versions URL and the token A an eMSP registers with (examples/emsp.ts does).
 */

// #region decide
/** Contracts the back office has blocked. */
const blockedContracts = new Set(['DE-MSP-C66666-6']);

/**
 * Your system's answer to each command that passed the toolkit's checks (its Location, EVSE
 * and Connector are ours and capable; the token or session is the eMSP's own). Only ACCEPTED
 * commands go on to the charger gateway.
 */
export const decide: CommandDecider = (command, { evse, partner, log }) => {
  switch (command.command) {
    case 'START_SESSION': {
      const { token, evse_uid } = command.request;
      if (blockedContracts.has(token.contract_id)) {
        log.info(
          { partner: partner.id, contract: token.contract_id },
          'START_SESSION for a blocked contract',
        );
        return { result: 'REJECTED', message: 'this contract is blocked' };
      }
      if (evse_uid === undefined) return { result: 'REJECTED', message: 'name the EVSE (evse_uid)' };
      // Known to be busy: ACCEPTED, and the CommandResult EVSE_OCCUPIED follows at once.
      if (evse?.status === 'CHARGING') return { result: 'ACCEPTED', outcome: 'EVSE_OCCUPIED' };
      // Our chargers take up to a minute to answer a remote start.
      return { result: 'ACCEPTED', timeout: 60 };
    }
    case 'RESERVE_NOW':
    case 'CANCEL_RESERVATION':
      return { result: 'NOT_SUPPORTED', message: 'no reservations at this site' };
    default:
      return { result: 'ACCEPTED' };
  }
};
// #endregion decide

// #region gateway
type StartCommand = Extract<ChargerCommand, { type: 'START_SESSION' }>;

interface Charging {
  event(kwh: number): ChargerSessionEvent;
  kwh: number;
  meter: NodeJS.Timeout;
}

/**
 * The seam to the chargers. This stand-in answers at once and meters 1 kWh a second; yours
 * sends OCPP RemoteStartTransaction / RemoteStopTransaction to the charger and reports what
 * it answers. (Chargers that speak OCPP to this node need no gateway: `ocpp: { enabled: true }`.)
 */
export class ExampleChargers implements ChargerGateway {
  private readonly charging = new Map<string, Charging>();

  execute(command: ChargerCommand, report: GatewayReporter): void {
    if (command.type === 'START_SESSION') this.start(command, report);
    else if (command.type === 'STOP_SESSION') this.stop(command.commandId, command.sessionId, report);
    else report.outcome(command.commandId, 'NOT_SUPPORTED', 'these chargers only start and stop');
  }

  private start(command: StartCommand, report: GatewayReporter): void {
    // RemoteStartTransaction answered Accepted: the CommandResult.
    report.outcome(command.commandId, 'ACCEPTED');
    const sessionId = randomUUID();
    const event = (kwh: number): ChargerSessionEvent => ({
      sessionId,
      commandId: command.commandId,
      locationId: command.locationId,
      evseUid: command.evseUid ?? '',
      connectorId: command.connectorId ?? '1',
      kwh,
      at: new Date(),
    });
    // StartTransaction: the Session begins (the toolkit pushes it to the eMSP).
    report.sessionStarted(event(0));
    const session: Charging = {
      event,
      kwh: 0,
      meter: setInterval(() => {
        session.kwh += 1;
        report.sessionProgress(event(session.kwh));
      }, 1000),
    };
    this.charging.set(sessionId, session);
  }

  private stop(commandId: string, sessionId: string, report: GatewayReporter): void {
    const session = this.charging.get(sessionId);
    if (!session) {
      report.outcome(commandId, 'REJECTED', 'no such session on our chargers');
      return;
    }
    clearInterval(session.meter);
    this.charging.delete(sessionId);
    report.outcome(commandId, 'ACCEPTED');
    // StopTransaction: the Session ends, and its CDR is priced and sent.
    report.sessionStopped(session.event(session.kwh));
  }

  close(): void {
    for (const session of this.charging.values()) clearInterval(session.meter);
  }
}
// #endregion gateway

// #region app
/** The CPO node: NL*CPO, its site published, listening on 127.0.0.1. */
export async function startCpo(options: { port?: number; store?: StoreOptions } = {}) {
  const chargers = new ExampleChargers();
  const cpo = await createOcpiApp({
    parties: [{ countryCode: 'NL', partyId: 'CPO', role: 'CPO', businessDetails: { name: 'Charge Co' } }],
    store: options.store ?? { kind: 'pglite', dataDir: 'memory' },
    commands: { gateway: chargers, decide },
  });
  cpo.addHook('onClose', async () => chargers.close());
  await cpo.listen({ port: options.port ?? 3000, host: '127.0.0.1' });
  await cpo.ocpi.tariffs.put(TARIFF);
  await cpo.ocpi.locations.put(LOCATION);
  return cpo;
}
// #endregion app

// Run as a program (not when a test imports it).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cpo = await startCpo();
  console.log(`CPO NL*CPO is up. For examples/emsp.ts:
  export CPO_VERSIONS_URL=${cpo.ocpi.versionsUrl()}
  export CPO_TOKEN=${await cpo.ocpi.createRegistrationToken()}`);
  process.once('SIGINT', () => void cpo.close());
}
