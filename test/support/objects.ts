import type { OcpiVersion } from '../../src/index.ts';
import { renderObject } from '../../src/model/objects.ts';

/*
 * Small, valid objects built inline (no spec files), in the canonical 2.3.0 shape, and
 * the same objects in an older version's shape.
 */

export type Json = Record<string, unknown>;

const OWNER = { countryCode: 'NL', partyId: 'CPO' };

/** A Connector with id `id`. */
export function connector(id: string, lastUpdated = '2030-01-01T00:00:00Z'): Json {
  return {
    id,
    standard: 'IEC_62196_T2',
    format: 'SOCKET',
    power_type: 'AC_3_PHASE',
    max_voltage: 230,
    max_amperage: 16,
    last_updated: lastUpdated,
  };
}

/** An AVAILABLE EVSE with uid `uid` and one Connector `1`. */
export function evse(uid: string, lastUpdated = '2030-01-01T00:00:00Z'): Json {
  return {
    uid,
    evse_id: `NL*CPO*E${uid}`,
    status: 'AVAILABLE',
    connectors: [connector('1', lastUpdated)],
    last_updated: lastUpdated,
  };
}

/** A Location of NL*CPO with EVSEs `E1`..`E<evses>`. */
export function location(id: string, evses = 2, lastUpdated = '2030-01-01T00:00:00Z'): Json {
  return {
    country_code: 'NL',
    party_id: 'CPO',
    id,
    publish: true,
    address: 'Stationsplein 1',
    city: 'Utrecht',
    postal_code: '3511ED',
    country: 'NLD',
    coordinates: { latitude: '52.089444', longitude: '5.110278' },
    evses: Array.from({ length: evses }, (_, i) => evse(`E${i + 1}`, lastUpdated)),
    time_zone: 'Europe/Amsterdam',
    last_updated: lastUpdated,
  };
}

/** An RFID Token of DE*MSP. */
export function token(uid: string, lastUpdated = '2030-01-01T00:00:00Z'): Json {
  return {
    country_code: 'DE',
    party_id: 'MSP',
    uid,
    type: 'RFID',
    contract_id: `DE-MSP-C${uid}`,
    issuer: 'Drive Co',
    valid: true,
    whitelist: 'ALLOWED',
    last_updated: lastUpdated,
  };
}

/** A Tariff of NL*CPO: 0.25 EUR per kWh. */
export function tariff(id: string, lastUpdated = '2030-01-01T00:00:00Z'): Json {
  return {
    country_code: 'NL',
    party_id: 'CPO',
    id,
    currency: 'EUR',
    elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }] }],
    tax_included: 'NO',
    last_updated: lastUpdated,
  };
}

/** A Session of NL*CPO for a token of DE*MSP, at Location LOC1 EVSE E1. */
export function session(id: string, lastUpdated = '2030-01-01T00:00:00Z'): Json {
  return {
    country_code: 'NL',
    party_id: 'CPO',
    id,
    start_date_time: '2030-01-01T00:00:00Z',
    kwh: 0,
    cdr_token: {
      country_code: 'DE',
      party_id: 'MSP',
      uid: 'TOKEN1',
      type: 'RFID',
      contract_id: 'DE-MSP-C1',
    },
    auth_method: 'WHITELIST',
    location_id: 'LOC1',
    evse_uid: 'E1',
    connector_id: '1',
    currency: 'EUR',
    status: 'ACTIVE',
    last_updated: lastUpdated,
  };
}

/**
 * A canonical object as a partner of `version` sends it (2.1.1 objects name no owner).
 * Not for Sessions and CDRs, whose 2.1.1 shape embeds the Location.
 */
export function inVersion(version: OcpiVersion, objectName: string, canonical: Json): Json {
  const context = {
    countryCode: String(canonical.country_code ?? OWNER.countryCode),
    partyId: String(canonical.party_id ?? OWNER.partyId),
  };
  return renderObject(version, objectName, canonical, { context }) as Json;
}
