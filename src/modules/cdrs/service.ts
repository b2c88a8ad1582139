import type { CDR, CdrLocation } from '../../model/v230/cdrs.ts';
import type { Connector, EVSE, Location } from '../../model/v230/locations.ts';
import type { Session } from '../../model/v230/sessions.ts';
import type { Tariff } from '../../model/v230/tariffs.ts';
import { type CdrCostFields, cdrFields, type MeterSample, priceSession } from '../../pricing/index.ts';

/** The EVSE and connector a charge used: the connector given, else the EVSE's first. */
export interface ChargePoint {
  evse: EVSE;
  connector: Connector;
}

/** Finds where a charge happened in one of our Locations; undefined when the EVSE is not there. */
export function chargePointOf(
  location: Location | undefined,
  evseUid: string,
  connectorId: string,
): ChargePoint | undefined {
  const evse = location?.evses?.find((e) => e.uid === evseUid);
  const connector = evse?.connectors.find((c) => c.id === connectorId) ?? evse?.connectors[0];
  return evse && connector ? { evse, connector } : undefined;
}

/** What a charge costs under its tariff: the cost fields of its CDR (and the Session's total_cost). */
export function chargeCosts(
  tariff: Tariff,
  charge: { start: string; end: string; timeZone: string; samples: readonly MeterSample[] },
): CdrCostFields {
  return cdrFields(
    priceSession(tariff, {
      start_date_time: charge.start,
      end_date_time: charge.end,
      time_zone: charge.timeZone,
      samples: charge.samples,
    }),
  );
}

/** How a charge ended: when, where, and what it cost under which tariff. */
export interface ChargeEnd {
  /** When charging stopped (DateTime). */
  end: string;
  location: Location;
  /** The EVSE and connector as the charger named them, and as found in the Location. */
  evseUid: string;
  connectorId: string;
  point: ChargePoint;
  tariff: Tariff;
  costs: CdrCostFields;
}

/** The CDR of a completed Session; it takes the Session's id. */
export function cdrOf(session: Session, charge: ChargeEnd): CDR {
  return {
    country_code: session.country_code,
    party_id: session.party_id,
    id: session.id,
    start_date_time: session.start_date_time,
    end_date_time: charge.end,
    session_id: session.id,
    cdr_token: session.cdr_token,
    auth_method: session.auth_method,
    ...(session.authorization_reference ? { authorization_reference: session.authorization_reference } : {}),
    cdr_location: cdrLocationOf(charge),
    currency: charge.tariff.currency,
    tariffs: [charge.tariff],
    ...charge.costs,
    last_updated: charge.end,
  };
}

function cdrLocationOf({ location, evseUid, connectorId, point }: ChargeEnd): CdrLocation {
  return {
    id: location.id,
    ...(location.name ? { name: location.name } : {}),
    address: location.address,
    city: location.city,
    ...(location.postal_code ? { postal_code: location.postal_code } : {}),
    country: location.country,
    coordinates: location.coordinates,
    evse_uid: evseUid,
    evse_id: point.evse.evse_id ?? '#NA',
    connector_id: connectorId,
    connector_standard: point.connector.standard,
    connector_format: point.connector.format,
    connector_power_type: point.connector.power_type,
  };
}
