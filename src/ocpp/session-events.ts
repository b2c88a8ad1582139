import { Value } from '@sinclair/typebox/value';
import type { FastifyBaseLogger } from 'fastify';
import { CdrToken } from '../model/v230/cdrs.ts';
import type { Location } from '../model/v230/locations.ts';
import type { ChargerSessionEvent, GatewayReporter } from '../modules/commands/gateway.ts';
import type { OcppTransactionRow } from '../store/ocpp-repository.ts';

/*
 * What OCPP 1.6 and 2.0.1 transactions share on their way to OCPI Sessions: the session
 * event a stored transaction is, its energy, and the reporter it goes to.
 */

/** kWh between two Wh readings, to the Wh, never negative (a meter reset is not energy given back). */
export function kwhBetween(startWh: number, nowWh: number): number {
  return Math.max(0, Math.round(nowWh - startWh) / 1000);
}

/** The CdrToken kept with a locally started transaction. */
function tokenOf(row: OcppTransactionRow): CdrToken | undefined {
  if (row.token === null) return undefined;
  const parsed: unknown = JSON.parse(row.token);
  return Value.Check(CdrToken, parsed) ? parsed : undefined;
}

/**
 * The session event of a stored transaction: on the EVSE it runs on, at its `connector`-th
 * connector (1.6 has one connector per connectorId: the EVSE's first; 2.0.1 names it).
 */
export function sessionEvent(
  row: OcppTransactionRow,
  kwh: number,
  at: Date,
  location: Location | undefined,
  connector = 1,
): ChargerSessionEvent {
  const evse = location?.evses?.find((e) => e.uid === row.evse_uid);
  const token = tokenOf(row);
  return {
    sessionId: row.session_id,
    ...(row.command_id ? { commandId: row.command_id } : {}),
    ...(token ? { token } : {}),
    locationId: row.location_id,
    evseUid: row.evse_uid,
    connectorId: (evse?.connectors[connector - 1] ?? evse?.connectors[0])?.id ?? '1',
    kwh,
    at,
  };
}

/** Sends a session event to the node's reporter; logged when none is attached. */
export function reportSession(
  reporter: GatewayReporter | undefined,
  log: FastifyBaseLogger,
  row: OcppTransactionRow,
  send: (reporter: GatewayReporter) => void,
): void {
  if (reporter) send(reporter);
  else
    log.warn(
      { session: row.session_id },
      'OCPP: a transaction while no gateway reporter is attached (another gateway takes the commands)',
    );
}
