import tzLookup from '@photostructure/tz-lookup';
import { isJsonObject, type JsonObject, objectsIn } from '../json.ts';
import {
  asJson,
  type CodecContextExt,
  cdrConnectorStandard,
  codecOf,
  derive,
  enumValue,
  extOf,
  knownIn,
  NotRepresentableError,
  periodsFromTotals,
  requireField,
  requireItems,
  type Step,
  step,
  tariffElementStep,
  tariffElements,
  truncate,
  underive,
  withExt,
} from './helpers.ts';
import { Location as Location221 } from './v221.ts';

/*
 * The step between OCPI 2.1.1 (older) and the 2.2.1 shape: `up` reads a 2.1.1 object as
 * 2.2.1, `down` writes a 2.2.1 object as 2.1.1. The 2.2.1 step (v221.ts) then takes it to or
 * from the canonical shape. See LOSSY.md.
 */

const V = '2.1.1';
const EXT = 'x_v211';

/** Seconds a canonical CommandResponse read from 2.1.1 (which has no timeout) gives the CPO. */
export const V211_COMMAND_TIMEOUT = 60;

// --- locations

/** 2.1.1 coordinates have exactly six decimals (2.2+: five to seven). */
function sixDecimals(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(-?\d+)\.(\d+)$/.exec(value);
  if (!m?.[1] || !m[2] || m[2].length === 6) return value;
  return m[2].length < 6 ? `${m[1]}.${m[2].padEnd(6, '0')}` : Number(value).toFixed(6);
}

const GeoLocation = step(V, {
  down: (g) => ({ ...g, latitude: sixDecimals(g.latitude), longitude: sixDecimals(g.longitude) }),
});

const EnvironmentalImpact = step(V, { rename: { source: 'category' } });
const EnergyMix = step(V, { nested: { environ_impact: EnvironmentalImpact } });

/** 2.1.1 Hours is a choice of regular_hours or twentyfourseven; 2.2+ always has twentyfourseven. */
const Hours = step(V, {
  up: (h) => derive(h, EXT, 'twentyfourseven', false),
  down: (h) => underive(h, EXT),
});

const Connector = step(V, {
  rename: { voltage: 'max_voltage', amperage: 'max_amperage' },
  values: { standard: 'ConnectorType', power_type: 'PowerType' },
  up: ({ tariff_id, ...c }) => ({ ...c, tariff_ids: tariff_id === undefined ? undefined : [tariff_id] }),
  down: (c) => {
    const { tariff_ids, ...rest } = c;
    return requireField('standard')({
      ...rest,
      tariff_id: Array.isArray(tariff_ids) ? tariff_ids[0] : undefined,
    });
  },
});

const EVSE = step(V, {
  nested: { connectors: Connector, coordinates: GeoLocation },
  lists: { capabilities: 'Capability', parking_restrictions: 'ParkingRestriction' },
  down: requireItems('connectors'),
});

/** LocationType values that 2.2 kept as ParkingType (OTHER and UNKNOWN were dropped). */
const PARKING_TYPES = new Set(['ON_STREET', 'PARKING_GARAGE', 'UNDERGROUND_GARAGE', 'PARKING_LOT']);

function locationType(parkingType: unknown): string {
  if (parkingType === undefined) return 'UNKNOWN';
  return typeof parkingType === 'string' && PARKING_TYPES.has(parkingType) ? parkingType : 'OTHER';
}

/**
 * The IANA zone at a 2.1.1 Location's coordinates (2.1.1 has no time_zone; tariff time
 * restrictions are local to the Location). UTC when the coordinates are unusable.
 */
export function timeZoneOf(coordinates: unknown): string {
  if (!isJsonObject(coordinates)) return 'UTC';
  const latitude = Number(coordinates.latitude);
  const longitude = Number(coordinates.longitude);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return 'UTC';
  try {
    return tzLookup(latitude, longitude);
  } catch {
    return 'UTC'; // out of range
  }
}

const Location = step(V, {
  nested: {
    coordinates: GeoLocation,
    related_locations: GeoLocation,
    evses: EVSE,
    opening_times: Hours,
    energy_mix: EnergyMix,
  },
  lists: { facilities: 'Facility' },
  up: ({ type, ...l }, ctx) => {
    const parking_type = typeof type === 'string' && PARKING_TYPES.has(type) ? type : undefined;
    let out: JsonObject = {
      ...l,
      country_code: ctx.countryCode,
      party_id: ctx.partyId,
      publish: true,
      parking_type,
    };
    if (locationType(parking_type) !== type) out = withExt(out, EXT, { type });
    return derive(out, EXT, 'time_zone', timeZoneOf(l.coordinates));
  },
  down: (l) => ({
    ...underive(l, EXT),
    type: extOf(l, EXT).type ?? locationType(l.parking_type),
    address: truncate(l.address, 45),
    postal_code: l.postal_code ?? '',
  }),
});

// --- tokens

const Token = step(V, {
  rename: { auth_id: 'contract_id' },
  values: { type: 'TokenType' },
  up: (t, ctx) => ({ ...t, country_code: ctx.countryCode, party_id: ctx.partyId }),
});

/** 2.2 dropped connector_ids (not unique within a Location). */
const LocationReferences = step(V, {
  up: ({ connector_ids, ...r }) => withExt(r, EXT, { connector_ids }),
  down: (r) => ({ ...r, connector_ids: extOf(r, EXT).connector_ids }),
});

/** 2.2 requires the token in the answer; only the caller knows which one was asked about. */
const AuthorizationInfo = step(V, {
  nested: { location: LocationReferences },
  up: (a, ctx) => ({ ...a, token: ctx.token }),
});

// --- sessions and CDRs

const CdrDimension = step(V, { values: { type: 'CdrDimensionType' }, down: requireField('type') });

/**
 * 2.2 removed the FLAT dimension. Its values are kept aside; a period that had nothing else
 * gets a zero TIME dimension (2.2 requires one dimension).
 */
const ChargingPeriod = step(V, {
  nested: { dimensions: CdrDimension },
  up: (p) => {
    const dimensions = objectsIn(p.dimensions);
    if (!dimensions.some((d) => d.type === 'FLAT')) return p;
    const kept = dimensions.filter((d) => d.type !== 'FLAT');
    const out = { ...p, dimensions: kept.length > 0 ? kept : [{ type: 'TIME', volume: 0 }] };
    return withExt(out, EXT, { dimensions });
  },
  down: (p) => {
    const original = extOf(p, EXT).dimensions;
    return requireItems('dimensions')(original ? { ...p, dimensions: original } : p);
  },
});

/** The token owner: the caller's word, else the eMA ID's prefix, else the record's owner. */
function tokenOwner(contractId: string, ctx: CodecContextExt): { countryCode?: string; partyId?: string } {
  if (ctx.emsp) return ctx.emsp;
  const emaid = /^([A-Za-z]{2})-?([A-Za-z0-9]{3})-?[A-Za-z0-9]{9}(-?[A-Za-z0-9])?$/.exec(contractId);
  if (emaid?.[1] && emaid[2]) return { countryCode: emaid[1].toUpperCase(), partyId: emaid[2].toUpperCase() };
  return ctx;
}

/** 2.1.1 names the token by auth_id only; it stands in for the uid too. */
function cdrToken(authId: unknown, ctx: CodecContextExt): JsonObject {
  const owner = tokenOwner(String(authId), ctx);
  return {
    country_code: owner.countryCode,
    party_id: owner.partyId,
    uid: authId,
    type: 'OTHER',
    contract_id: authId,
  };
}

/** What 2.2 keeps of the Location (one EVSE, one connector) a 2.1.1 Session or CDR embeds. */
function embedded(location: JsonObject): { evse: JsonObject; connector: JsonObject } {
  const evse = objectsIn(location.evses)[0] ?? {};
  const connector = objectsIn(evse.connectors)[0] ?? {};
  return { evse, connector };
}

/** The common part of reading a 2.1.1 Session or CDR: owner, token, and the embedded Location kept aside. */
function ownedRecordUp(record: JsonObject, ctx: CodecContextExt): JsonObject {
  const { location, auth_id, total_cost, ...rest } = record;
  const out = {
    ...rest,
    country_code: ctx.countryCode,
    party_id: ctx.partyId,
    cdr_token: cdrToken(auth_id, ctx),
    total_cost: typeof total_cost === 'number' ? { excl_vat: total_cost } : undefined,
  };
  return withExt(out, EXT, { location });
}

/** A 2.1.1 Location reduced to the EVSE and connector of a Session or CDR, from the caller's lookup. */
function resolvedLocation(ctx: CodecContextExt, locationId: unknown, evseUid: unknown, connectorId: unknown) {
  const canonical = ctx.findLocation?.(String(locationId));
  if (!isJsonObject(canonical)) return undefined;
  let location: JsonObject;
  try {
    location = locationCodec.encode(canonical, ctx);
  } catch (err) {
    if (err instanceof NotRepresentableError) return undefined;
    throw err;
  }
  const evse = objectsIn(location.evses).find((e) => e.uid === evseUid);
  const connector = objectsIn(evse?.connectors).find((c) => c.id === connectorId);
  return evse && connector ? { ...location, evses: [{ ...evse, connectors: [connector] }] } : undefined;
}

/** A 2.1.1 Location built from a (2.2.1) CdrLocation when nothing better is known; unknowns are blank or 0. */
function locationFrom(cdrLocation: JsonObject, lastUpdated: unknown): JsonObject {
  const c = cdrLocation;
  const connector = {
    id: c.connector_id,
    standard: cdrConnectorStandard(V, c.connector_standard, c.connector_power_type),
    format: c.connector_format ?? 'SOCKET',
    power_type: enumValue(V, 'PowerType', c.connector_power_type) ?? 'AC_3_PHASE',
    voltage: 0,
    amperage: 0,
    last_updated: lastUpdated,
  };
  const evse = {
    uid: c.evse_uid,
    evse_id: c.evse_id === '#NA' ? undefined : c.evse_id,
    status: 'UNKNOWN',
    connectors: [connector],
    last_updated: lastUpdated,
  };
  const coordinates = isJsonObject(c.coordinates) ? GeoLocation.down(c.coordinates, {}) : undefined;
  return {
    id: c.id,
    type: 'UNKNOWN',
    name: c.name,
    address: truncate(c.address ?? '', 45),
    city: c.city ?? '',
    postal_code: c.postal_code ?? '',
    country: c.country ?? '',
    coordinates: coordinates ?? { latitude: '0.000000', longitude: '0.000000' },
    evses: [evse],
    last_updated: lastUpdated,
  };
}

/** The common part of writing a 2.1.1 Session or CDR: auth_id, cost, and the Location to embed. */
function ownedRecordDown(record: JsonObject, ctx: CodecContextExt, cdrLocation: JsonObject): JsonObject {
  const kept = extOf(record, EXT).location;
  const ids = [cdrLocation.id, cdrLocation.evse_uid, cdrLocation.connector_id] as const;
  const location = isJsonObject(kept)
    ? kept
    : (resolvedLocation(ctx, ...ids) ?? locationFrom(cdrLocation, record.last_updated));
  const totalCost = record.total_cost;
  return {
    ...record,
    auth_id: isJsonObject(record.cdr_token) ? record.cdr_token.contract_id : undefined,
    location,
    total_cost: isJsonObject(totalCost) ? totalCost.excl_vat : undefined,
  };
}

const Session = step(V, {
  rename: { start_datetime: 'start_date_time', end_datetime: 'end_date_time' },
  nested: { charging_periods: ChargingPeriod },
  values: { status: 'SessionStatus', auth_method: 'AuthMethod' },
  up: (s, ctx, older) => {
    const location = asJson(older.location);
    const { evse, connector } = embedded(location);
    const ids = {
      location_id: location.id,
      evse_uid: evse.uid ?? '#NA',
      connector_id: connector.id ?? '#NA',
    };
    return { ...ownedRecordUp(s, ctx), ...ids };
  },
  down: (s, ctx) => {
    const ids = { id: s.location_id, evse_uid: s.evse_uid, connector_id: s.connector_id, evse_id: '#NA' };
    return ownedRecordDown(s, ctx, ids);
  },
});

const TariffElement = tariffElementStep(V, ['min_current', 'max_current', 'reservation']);

const Tariff = step(V, {
  nested: { elements: TariffElement, energy_mix: EnergyMix },
  up: (t, ctx) => ({ ...t, country_code: ctx.countryCode, party_id: ctx.partyId }),
  down: (t, _ctx, newer) => tariffElements(t, newer),
});

const CDR = step(V, {
  rename: { stop_date_time: 'end_date_time' },
  nested: { tariffs: Tariff, charging_periods: ChargingPeriod },
  values: { auth_method: 'AuthMethod' },
  up: (c, ctx, older) => {
    const location = asJson(older.location);
    const { evse, connector } = embedded(location);
    const cdr_location = {
      ...Object.fromEntries(
        ['id', 'name', 'address', 'city', 'postal_code', 'country', 'coordinates'].map((k) => [
          k,
          location[k],
        ]),
      ),
      evse_uid: evse.uid ?? '#NA',
      evse_id: evse.evse_id ?? '#NA',
      connector_id: connector.id ?? '#NA',
      connector_standard: connector.standard ?? 'IEC_62196_T2',
      connector_format: connector.format ?? 'SOCKET',
      connector_power_type: connector.power_type ?? 'AC_3_PHASE',
    };
    return { ...ownedRecordUp(c, ctx), cdr_location };
  },
  down: (c, ctx) =>
    ownedRecordDown(periodsFromTotals(c), ctx, isJsonObject(c.cdr_location) ? c.cdr_location : {}),
});

// --- commands

/**
 * 2.1.1 reservation ids are ints. A canonical id that is not an int's decimal form becomes a
 * stable 31-bit hash of it.
 */
function reservationNumber(id: unknown): number {
  const s = String(id);
  const n = Number(s);
  if (/^-?\d+$/.test(s) && Number.isSafeInteger(n) && String(n) === s) return n;
  let hash = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) hash = Math.imul(hash ^ s.charCodeAt(i), 0x01000193);
  return (hash >>> 1) & 0x7fffffff;
}

const ReserveNow = step(V, {
  nested: { token: Token },
  up: (r) => ({ ...r, reservation_id: String(r.reservation_id) }),
  down: (r) => ({ ...r, reservation_id: reservationNumber(r.reservation_id) }),
});

const StartSession = step(V, { nested: { token: Token } });

/** 2.1.1 CommandResponse may say TIMEOUT (2.2 moved that to CommandResult) and has no timeout field. */
const CommandResponse = step(V, {
  up: (r) => {
    const out = { ...r, timeout: V211_COMMAND_TIMEOUT };
    return r.result === 'TIMEOUT' ? withExt({ ...out, result: 'REJECTED' }, EXT, { result: 'TIMEOUT' }) : out;
  },
  down: (r) => ({ ...r, result: extOf(r, EXT).result ?? r.result }),
});

const RESULT_TO_V211: Record<string, string> = {
  ACCEPTED: 'ACCEPTED',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  TIMEOUT: 'TIMEOUT',
};
const RESULT_FROM_V211: Record<string, string> = {
  ...RESULT_TO_V211,
  REJECTED: 'REJECTED',
  UNKNOWN_SESSION: 'FAILED',
};

/** A canonical CommandResult as the 2.1.1 CommandResponse POSTed to `response_url`. */
export function commandResultToV211(result: JsonObject): JsonObject {
  return { result: RESULT_TO_V211[String(result.result)] ?? 'REJECTED' };
}

/** A 2.1.1 CommandResponse received on `response_url`, as a canonical CommandResult. */
export function commandResultFromV211(response: JsonObject): JsonObject {
  return { result: RESULT_FROM_V211[String(response.result)] ?? 'FAILED' };
}

// --- credentials and versions

/** 2.1.1 Credentials name one party; 2.2 lists roles. */
const Credentials = step(V, {
  up: ({ business_details, party_id, country_code, ...c }, ctx) => ({
    ...c,
    roles: [{ role: ctx.role ?? 'OTHER', business_details, party_id, country_code }],
  }),
  down: (c, ctx) => {
    const roles = objectsIn(c.roles);
    const role = roles.find((r) => r.role === ctx.role) ?? roles[0] ?? {};
    const { business_details, party_id, country_code } = role;
    return { ...c, business_details, party_id, country_code };
  },
});

/** Modules whose Sender interface the CPO implements in 2.2+ (the eMSP implements the others). */
const CPO_SENDS = new Set(['cdrs', 'locations', 'sessions', 'tariffs']);

/** The 2.2 interface role of a 2.1.1 endpoint, from the role of the party offering it. */
function endpointRole(identifier: unknown, role: CodecContextExt['role']): string {
  if (identifier === 'credentials' || !role) return 'SENDER';
  return CPO_SENDS.has(String(identifier)) === (role === 'CPO') ? 'SENDER' : 'RECEIVER';
}

const Endpoint = step(V, { up: (e, ctx) => ({ ...e, role: endpointRole(e.identifier, ctx.role) }) });

const Version = step(V, { down: (v) => (knownIn(V, 'VersionNumber', v.version) ? v : undefined) });

/** 2.1.1 has one endpoint per module: the one of the party's own side is kept. */
const VersionDetails = step(V, {
  nested: { endpoints: Endpoint },
  down: (d, ctx) => {
    if (!knownIn(V, 'VersionNumber', d.version)) return undefined;
    const byModule = new Map<unknown, JsonObject>();
    for (const e of objectsIn(d.endpoints)) {
      if (!knownIn(V, 'ModuleID', e.identifier)) continue;
      const seen = byModule.get(e.identifier);
      const own = (x: JsonObject) => x.role === endpointRole(x.identifier, ctx.role);
      if (!seen || (!own(seen) && own(e))) byModule.set(e.identifier, e);
    }
    const endpoints = objectsIn(d.endpoints).filter((e) => byModule.get(e.identifier) === e);
    return requireItems('endpoints')({ ...d, endpoints });
  },
});

/** Steps of the objects whose 2.1.1 shape differs from the 2.2.1 one, by spec name. */
export const steps211: Record<string, Step> = {
  GeoLocation,
  AdditionalGeoLocation: GeoLocation,
  EnvironmentalImpact,
  EnergyMix,
  Hours,
  Connector,
  EVSE,
  Location,
  Token,
  LocationReferences,
  AuthorizationInfo,
  CdrDimension,
  ChargingPeriod,
  Session,
  TariffElement,
  Tariff,
  CDR,
  ReserveNow,
  StartSession,
  CommandResponse,
  Credentials,
  Endpoint,
  Version,
  VersionDetails,
};

const locationCodec = codecOf(V, 'Location', [Location, Location221]);
