import type { ChargerOutcome } from '../modules/commands/gateway.ts';
import { type Charger, type ChargerRegistry, connectorOfEvse } from './chargers.ts';
import type { CallOutcome } from './csms.ts';

/*
 * What the OCPP 1.6 and 2.0.1 gateways share: where a command goes, and what the
 * charger's answer makes of it.
 */

/** Where a command goes: the charger, and its connector (1.6) or EVSE (2.0.1) number when an EVSE is named. */
export interface Target {
  charger: Charger;
  connectorId?: number;
}

/** The charger of an EVSE of a Location, or the Location's only charger when no EVSE is named. */
export async function findTarget(
  chargers: ChargerRegistry,
  locationId: string,
  evseUid: string | undefined,
): Promise<Target | undefined> {
  const found = await chargers.atLocation(locationId);
  if (evseUid === undefined) return found.length === 1 && found[0] ? { charger: found[0] } : undefined;
  for (const charger of found) {
    const location = await chargers.locationOf(charger);
    const connectorId = location && connectorOfEvse(charger, location, evseUid);
    if (connectorId !== undefined) return { charger, connectorId };
  }
  return undefined;
}

/**
 * The OCPI result of a charger's status answer: RemoteStart/Stop, RequestStart/Stop,
 * CancelReservation (Accepted, Rejected), UnlockConnector (Unlocked, UnlockFailed,
 * NotSupported; 2.0.1 also OngoingAuthorizedTransaction: the charger refuses while a
 * transaction runs, and UnknownConnector) and ReserveNow (Accepted, Faulted, Occupied,
 * Rejected, Unavailable). Faulted has no OCPI result of its own: FAILED; Unavailable is
 * EVSE_INOPERATIVE.
 */
const RESULTS: Record<string, ChargerOutcome> = {
  Accepted: 'ACCEPTED',
  Rejected: 'REJECTED',
  Unlocked: 'ACCEPTED',
  UnlockFailed: 'FAILED',
  OngoingAuthorizedTransaction: 'REJECTED',
  UnknownConnector: 'FAILED',
  NotSupported: 'NOT_SUPPORTED',
  Occupied: 'EVSE_OCCUPIED',
  Faulted: 'FAILED',
  Unavailable: 'EVSE_INOPERATIVE',
};

/** The `status` of an answered call ('' when it has none); undefined when it was not answered. */
export function statusOf(outcome: CallOutcome): string | undefined {
  if (outcome.kind !== 'answered') return undefined;
  const payload = outcome.payload;
  return typeof payload === 'object' && payload !== null && 'status' in payload ? String(payload.status) : '';
}

/**
 * Reports the result of a call: offline FAILED, a CALLERROR NOT_SUPPORTED or FAILED, an
 * answer by its status; no answer is left to the node's TIMEOUT.
 */
export function answer(
  outcome: CallOutcome,
  done: (outcome: ChargerOutcome, message?: string) => void,
): void {
  if (outcome.kind === 'offline') {
    done('FAILED', 'the charger is offline');
  } else if (outcome.kind === 'refused') {
    const unsupported = outcome.code === 'NotSupported' || outcome.code === 'NotImplemented';
    done(unsupported ? 'NOT_SUPPORTED' : 'FAILED', `the charger answered ${outcome.code}`);
  } else if (outcome.kind === 'answered') {
    const status = statusOf(outcome) ?? '';
    done(RESULTS[status] ?? 'FAILED', `the charger answered ${status}`);
  }
  // 'lost', no answer: the node sends TIMEOUT when its command timeout runs out.
}
