import type { Status } from '../model/v230/locations.ts';

/**
 * OCPP 1.6 ChargePointStatus to OCPI EVSE status.
 *
 * Preparing (a cable is plugged in or a driver presented a card, no energy yet) becomes
 * AVAILABLE, not BLOCKED: the driver standing there commonly starts the session from an
 * eMSP app next, and apps refuse to start on an EVSE that is not AVAILABLE. BLOCKED is
 * for an EVSE no driver can use (a parking spot taken), which OCPP does not report.
 */
const FROM_16: Record<string, Status> = {
  Available: 'AVAILABLE',
  Preparing: 'AVAILABLE',
  Charging: 'CHARGING',
  SuspendedEV: 'CHARGING',
  SuspendedEVSE: 'CHARGING',
  Finishing: 'CHARGING',
  Reserved: 'RESERVED',
  Unavailable: 'INOPERATIVE',
  Faulted: 'OUTOFORDER',
};

/** The OCPI status of an OCPP 1.6 status; undefined for a status OCPP 1.6 does not have. */
export function evseStatusOf16(status: string): Status | undefined {
  return Object.hasOwn(FROM_16, status) ? FROM_16[status] : undefined;
}

/** What an EVSE is while its charger is not connected (the spec: "also used when offline"). */
export const OFFLINE_STATUS: Status = 'UNKNOWN';
