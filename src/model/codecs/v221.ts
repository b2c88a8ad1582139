import { type JsonObject, objectsIn } from '../json.ts';
import {
  cdrConnectorStandard,
  extOf,
  knownIn,
  money,
  periodsFromTotals,
  requireField,
  requireItems,
  type Step,
  step,
  tariffElementStep,
  tariffElements,
  withExt,
  withoutTax,
} from './helpers.ts';

/*
 * The step between OCPI 2.2.1 (older) and the canonical 2.3.0 shape: `up` reads a 2.2.1
 * object as canonical, `down` writes a canonical object as 2.2.1. See LOSSY.md.
 */

const V = '2.2.1';
const EXT = 'x_v221';

// --- types and shared classes

/** 2.2.1 Price {excl_vat, incl_vat?} ↔ 2.3.0 Price {before_taxes, taxes[]}; the VAT becomes one TaxAmount. */
const Price = step(V, {
  rename: { excl_vat: 'before_taxes' },
  up: (p, _ctx, older) => {
    const { incl_vat, ...out } = p;
    if (typeof incl_vat !== 'number' || typeof older.excl_vat !== 'number') return out;
    const amount = money(incl_vat - older.excl_vat);
    const exact = money(older.excl_vat + amount) === incl_vat;
    return withExt({ ...out, taxes: [{ name: 'VAT', amount }] }, EXT, {
      incl_vat: exact ? undefined : incl_vat,
    });
  },
  down: (p) => {
    const taxes = Array.isArray(p.taxes) ? objectsIn(p.taxes) : undefined;
    const total = taxes?.reduce((sum, t) => sum + (typeof t.amount === 'number' ? t.amount : 0), 0);
    const incl_vat =
      extOf(p, EXT).incl_vat ?? (total === undefined ? undefined : money(Number(p.before_taxes) + total));
    return { ...p, incl_vat };
  },
});

/** 2.2.1 Price as a tariff limit ↔ 2.3.0 PriceLimit. */
const PriceLimit = step(V, { rename: { excl_vat: 'before_taxes', incl_vat: 'after_taxes' } });

const Image = step(V, { values: { category: 'ImageCategory' } });
const BusinessDetails = step(V, { nested: { logo: Image } });

/** An impact of a category 2.2.1 does not know is left out. */
const EnvironmentalImpact = step(V, {
  values: { category: 'EnvironmentalImpactCategory' },
  down: requireField('category'),
});
const EnergyMix = step(V, { nested: { environ_impact: EnvironmentalImpact } });

/** The 2.3.0 Role has no HUB: a 2.2.1 HUB role is read as OTHER and remembered. */
function hubRoleUp(role: JsonObject, older: JsonObject): JsonObject {
  return older.role === 'HUB' ? withExt({ ...role, role: 'OTHER' }, EXT, { role: 'HUB' }) : role;
}

function hubRoleDown(role: JsonObject): JsonObject {
  return { ...role, role: extOf(role, EXT).role ?? role.role };
}

// --- locations

const PublishTokenType = step(V, { values: { type: 'TokenType' } });

const Connector = step(V, { values: { standard: 'ConnectorType' }, down: requireField('standard') });

const EVSE = step(V, {
  nested: { connectors: Connector, images: Image },
  lists: { capabilities: 'Capability', parking_restrictions: 'ParkingRestriction' },
  down: requireItems('connectors'),
});

export const Location = step(V, {
  nested: {
    publish_allowed_to: PublishTokenType,
    evses: EVSE,
    operator: BusinessDetails,
    suboperator: BusinessDetails,
    owner: BusinessDetails,
    images: Image,
    energy_mix: EnergyMix,
  },
  lists: { facilities: 'Facility' },
  values: { parking_type: 'ParkingType' },
});

// --- tokens

const Token = step(V, { values: { type: 'TokenType' } });
const AuthorizationInfo = step(V, { nested: { token: Token } });

// --- sessions and CDRs

const CdrToken = step(V, { values: { type: 'TokenType' } });

/** A dimension of a type 2.2.1 does not know (Bookings) is left out. */
const CdrDimension = step(V, {
  values: { type: 'CdrDimensionType' },
  down: requireField('type'),
});
const ChargingPeriod = step(V, { nested: { dimensions: CdrDimension }, down: requireItems('dimensions') });

const CdrLocation = step(V, {
  down: (l) => ({
    ...l,
    connector_standard: cdrConnectorStandard(V, l.connector_standard, l.connector_power_type),
  }),
});

const Session = step(V, {
  nested: { cdr_token: CdrToken, charging_periods: ChargingPeriod, total_cost: Price },
});

// --- tariffs

/** Booking elements (Bookings package) have no 2.2.1 meaning. */
const TariffElement = tariffElementStep(V, ['booking']);

/** Prices that include taxes are written without them where the VAT rate is known. */
function pricesExcludingTax(tariff: JsonObject): JsonObject {
  const taxIncluded = tariff.tax_included;
  if (taxIncluded !== 'YES' && taxIncluded !== 'N/A') return tariff;
  const elements = objectsIn(tariff.elements).map((element) => ({
    ...element,
    price_components: objectsIn(element.price_components).map((pc) => {
      if (taxIncluded === 'N/A') return { ...pc, vat: undefined };
      return typeof pc.vat === 'number' ? { ...pc, price: withoutTax(Number(pc.price), pc.vat) } : pc;
    }),
  }));
  return { ...tariff, elements };
}

const Tariff = step(V, {
  nested: { min_price: PriceLimit, max_price: PriceLimit, elements: TariffElement, energy_mix: EnergyMix },
  up: (t) => ({ ...t, tax_included: 'NO' }),
  down: (t, _ctx, newer) => pricesExcludingTax(tariffElements(t, newer)),
});

const CDR = step(V, {
  nested: {
    cdr_token: CdrToken,
    cdr_location: CdrLocation,
    tariffs: Tariff,
    charging_periods: ChargingPeriod,
    total_cost: Price,
    total_fixed_cost: Price,
    total_energy_cost: Price,
    total_time_cost: Price,
    total_parking_cost: Price,
    total_reservation_cost: Price,
  },
  down: periodsFromTotals,
});

// --- commands

const ReserveNow = step(V, { nested: { token: Token } });
const StartSession = step(V, { nested: { token: Token } });

// --- credentials, hub client info, versions

const CredentialsRole = step(V, {
  nested: { business_details: BusinessDetails },
  up: (r, _ctx, older) => hubRoleUp(r, older),
  down: hubRoleDown,
});

const ClientInfo = step(V, { up: (c, _ctx, older) => hubRoleUp(c, older), down: hubRoleDown });

/**
 * A 2.2.1 hub names itself with role HUB; 2.3.0 says so in `hub_party_id`. Written back to 2.2.1,
 * a hub reports only itself, as HUB.
 */
const Credentials = step(V, {
  nested: { roles: CredentialsRole },
  up: (c, _ctx, older) => {
    const hub = objectsIn(older.roles).find((r) => r.role === 'HUB');
    return hub && c.hub_party_id === undefined
      ? { ...c, hub_party_id: `${hub.country_code}${hub.party_id}` }
      : c;
  },
  down: (c) => {
    const roles = objectsIn(c.roles);
    const hubId = c.hub_party_id;
    if (typeof hubId !== 'string' || roles.some((r) => r.role === 'HUB')) return c;
    const self = roles.find((r) => `${r.country_code}${r.party_id}` === hubId) ?? roles[0];
    return {
      ...c,
      roles: [{ ...self, role: 'HUB', country_code: hubId.slice(0, 2), party_id: hubId.slice(2) }],
    };
  },
});

/** A version number 2.2.1 does not know cannot be offered to a 2.2.1 partner. */
const Version = step(V, { down: (v) => (knownIn(V, 'VersionNumber', v.version) ? v : undefined) });

/** Steps of the objects whose 2.2.1 shape differs from the canonical one, by spec name. */
export const steps221: Record<string, Step> = {
  Price,
  Image,
  BusinessDetails,
  EnvironmentalImpact,
  EnergyMix,
  PublishTokenType,
  Connector,
  EVSE,
  Location,
  Token,
  AuthorizationInfo,
  CdrToken,
  CdrDimension,
  ChargingPeriod,
  CdrLocation,
  Session,
  TariffElement,
  Tariff,
  CDR,
  ReserveNow,
  StartSession,
  Credentials,
  CredentialsRole,
  ClientInfo,
  Version,
  VersionDetails: Version,
};
