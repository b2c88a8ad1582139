import type { Status } from '../model/v230/locations.ts';

/**
 * OCPP 2.0.1 ConnectorStatusEnumType to OCPI EVSE status.
 *
 * Occupied (a cable plugged in, a transaction running or suspended, or finishing) becomes
 * CHARGING, OCPI's "the EVSE is in use", not BLOCKED: BLOCKED is for an EVSE no driver can
 * reach (a parking spot taken), which OCPP does not report. 2.0.1's Occupied also covers
 * 1.6's Preparing, which 1.6 maps to AVAILABLE (status.ts); 2.0.1 cannot tell the two
 * apart, and a plugged-in cable does take the EVSE.
 */
const FROM_201: Record<string, Status> = {
  Available: 'AVAILABLE',
  Occupied: 'CHARGING',
  Reserved: 'RESERVED',
  Unavailable: 'INOPERATIVE',
  Faulted: 'OUTOFORDER',
};

/** The OCPI status of an OCPP 2.0.1 connector status; undefined for one 2.0.1 does not have. */
export function evseStatusOf201(status: string): Status | undefined {
  return Object.hasOwn(FROM_201, status) ? FROM_201[status] : undefined;
}

/** Which status an EVSE of several connectors shows, most telling first. */
const PRECEDENCE: readonly Status[] = ['CHARGING', 'RESERVED', 'AVAILABLE', 'OUTOFORDER', 'INOPERATIVE'];

/**
 * The status of an EVSE from its connectors' (2.0.1 reports each connector of an EVSE):
 * in use when one is, reserved when one is, available when one can be used, and only out
 * of order or inoperative when every connector is (OUTOFORDER before INOPERATIVE).
 */
export function evseStatusOfConnectors(statuses: Iterable<Status>): Status | undefined {
  const all = new Set(statuses);
  return PRECEDENCE.find((s) => all.has(s));
}

/**
 * The connectors' statuses of one connected 2.0.1 charger, by EVSE: what each EVSE shows
 * is of all its connectors (evseStatusOfConnectors). Kept per connection: a charger
 * reports every connector again after it boots.
 */
export class ConnectorStatuses {
  private readonly evses = new Map<number, Map<number, Status>>();

  /** Notes a connector's status; gives its EVSE's. */
  set(evseId: number, connectorId: number, status: Status): Status {
    const connectors = this.evses.get(evseId) ?? new Map<number, Status>();
    this.evses.set(evseId, connectors);
    connectors.set(connectorId, status);
    return evseStatusOfConnectors(connectors.values()) ?? status;
  }
}
