import type { v230 } from 'ocpi-toolkit';

/*
 * The objects the examples share: a CPO's charging site (one Location, two EVSEs that can be
 * started and stopped remotely, priced by one Tariff) and an eMSP's driver Token.
 */

const lastUpdated = '2025-01-01T00:00:00Z';

export const TARIFF: v230.tariffs.Tariff = {
  country_code: 'NL',
  party_id: 'CPO',
  id: 'TARIFF-1',
  currency: 'EUR',
  elements: [{ price_components: [{ type: 'ENERGY', price: 0.35, vat: 21, step_size: 1 }] }],
  tax_included: 'NO',
  last_updated: lastUpdated,
};

function evse(uid: string): v230.locations.EVSE {
  return {
    uid,
    evse_id: `NL*CPO*E${uid}`,
    status: 'AVAILABLE',
    capabilities: ['REMOTE_START_STOP_CAPABLE', 'UNLOCK_CAPABLE', 'RESERVABLE'],
    connectors: [
      {
        id: '1',
        standard: 'IEC_62196_T2',
        format: 'SOCKET',
        power_type: 'AC_3_PHASE',
        max_voltage: 230,
        max_amperage: 32,
        tariff_ids: [TARIFF.id],
        last_updated: lastUpdated,
      },
    ],
    last_updated: lastUpdated,
  };
}

export const LOCATION: v230.locations.Location = {
  country_code: 'NL',
  party_id: 'CPO',
  id: 'LOC-1',
  publish: true,
  name: 'Station Square',
  address: 'Stationsplein 1',
  city: 'Utrecht',
  postal_code: '3511 ED',
  country: 'NLD',
  coordinates: { latitude: '52.089444', longitude: '5.110278' },
  evses: [evse('E1'), evse('E2')],
  time_zone: 'Europe/Amsterdam',
  last_updated: lastUpdated,
};

export const DRIVER_TOKEN: v230.tokens.Token = {
  country_code: 'DE',
  party_id: 'MSP',
  uid: 'APP-DRIVER-1',
  type: 'APP_USER',
  contract_id: 'DE-MSP-C00001-1',
  issuer: 'Drive Co',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: lastUpdated,
};
