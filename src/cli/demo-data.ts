import type { Connector, EVSE, Location } from '../model/v230/locations.ts';
import type { Tariff } from '../model/v230/tariffs.ts';
import type { Token } from '../model/v230/tokens.ts';

/** A made-up charging site for demos: two EVSEs that can be started remotely, and a tariff. */
export function demoLocation(countryCode: string, partyId: string): Location {
  const now = `${new Date().toISOString().slice(0, 19)}Z`;
  const connector = (id: string): Connector => ({
    id,
    standard: 'IEC_62196_T2',
    format: 'SOCKET',
    power_type: 'AC_3_PHASE',
    max_voltage: 230,
    max_amperage: 32,
    tariff_ids: ['DEMO-TARIFF'],
    last_updated: now,
  });
  const evse = (uid: string): EVSE => ({
    uid,
    evse_id: `${countryCode}*${partyId}*E${uid}`,
    status: 'AVAILABLE',
    capabilities: ['REMOTE_START_STOP_CAPABLE', 'RESERVABLE', 'UNLOCK_CAPABLE', 'RFID_READER'],
    connectors: [connector('1')],
    last_updated: now,
  });
  return {
    country_code: countryCode,
    party_id: partyId,
    id: 'DEMO-1',
    publish: true,
    name: 'Demo Plaza',
    address: 'Stationsplein 1',
    city: 'Utrecht',
    postal_code: '3511 ED',
    country: 'NLD',
    coordinates: { latitude: '52.089444', longitude: '5.110278' },
    parking_type: 'ON_STREET',
    evses: [evse('DEMO-E1'), evse('DEMO-E2')],
    time_zone: 'Europe/Amsterdam',
    last_updated: now,
  };
}

export function demoTariff(countryCode: string, partyId: string): Tariff {
  return {
    country_code: countryCode,
    party_id: partyId,
    id: 'DEMO-TARIFF',
    currency: 'EUR',
    elements: [
      {
        price_components: [
          { type: 'FLAT', price: 0.5, vat: 21, step_size: 1 },
          { type: 'ENERGY', price: 0.35, vat: 21, step_size: 1 },
          { type: 'TIME', price: 1.2, vat: 21, step_size: 60 },
        ],
      },
    ],
    tax_included: 'NO',
    last_updated: `${new Date().toISOString().slice(0, 19)}Z`,
  };
}

export function demoToken(countryCode: string, partyId: string): Token {
  return {
    country_code: countryCode,
    party_id: partyId,
    uid: 'DEMO-TOKEN-1',
    type: 'RFID',
    contract_id: `${countryCode}-${partyId}-C00001-1`,
    issuer: 'Demo eMSP',
    valid: true,
    whitelist: 'ALLOWED',
    last_updated: `${new Date().toISOString().slice(0, 19)}Z`,
  };
}
