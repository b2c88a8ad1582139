import { type Kysely, type RawBuilder, sql } from 'kysely';
import { isJsonObject, type JsonObject, objectsIn } from '../model/json.ts';
import type { Database } from './schema.ts';

/** A page of a console list: how many match in all, and the page's rows. */
export interface ListPage<T> {
  total: number;
  items: T[];
}

export interface PageRequest {
  offset: number;
  limit: number;
}

/** One of our EVSEs as the console lists it, with the Location it is at. */
export interface EvseRow {
  locationId: string;
  locationName?: string;
  address: string;
  uid: string;
  evseId?: string;
  status: string;
  connectors: Array<{ id: string; standard: string; maxPower?: number }>;
  lastUpdated: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function connectorsOf(value: unknown): EvseRow['connectors'] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((c: JsonObject) => {
    const id = text(c.id);
    if (!id) return [];
    const power = c.max_electric_power;
    return [
      {
        id,
        standard: text(c.standard) ?? 'UNKNOWN',
        ...(typeof power === 'number' ? { maxPower: power } : {}),
      },
    ];
  });
}

/**
 * Our EVSEs in the order of their Locations (and of the EVSEs in each), a page at a time,
 * those of one status only when `status` is given. Read from the Locations' JSON by the
 * store: a long list costs the page nothing.
 */
export async function evsePage(
  db: Kysely<Database>,
  page: PageRequest & { status?: string },
): Promise<ListPage<EvseRow>> {
  const only: RawBuilder<unknown> = page.status ? sql`and e.value->>'status' = ${page.status}` : sql``;
  const from = sql`from ocpi_objects o,
      jsonb_array_elements(coalesce(o.data->'evses', '[]'::jsonb)) with ordinality as e(value, n)
    where o.module = 'locations' and o.owner = 'own' ${only}`;
  const total = await sql<{ n: string | number }>`select count(*) as n ${from}`.execute(db);
  const rows = await sql<{ location: JsonObject; evse: JsonObject }>`
    select o.data - 'evses' as location, e.value as evse ${from}
    order by o.seq, e.n
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return {
    total: Number(total.rows[0]?.n ?? 0),
    items: rows.rows.map(({ location, evse }) => {
      const name = text(location.name);
      const evseId = text(evse.evse_id);
      return {
        locationId: text(location.id) ?? '',
        ...(name ? { locationName: name } : {}),
        address: [location.address, location.city].filter((part) => typeof part === 'string').join(', '),
        uid: text(evse.uid) ?? '',
        ...(evseId ? { evseId } : {}),
        status: text(evse.status) ?? 'UNKNOWN',
        connectors: connectorsOf(evse.connectors),
        lastUpdated: text(evse.last_updated) ?? text(location.last_updated) ?? '',
      };
    }),
  };
}

/** A Price (2.3.0: before taxes, and the taxes) as excl. and incl. VAT. */
export function priceOf(value: unknown): { exclVat: number; inclVat: number } | undefined {
  if (!isJsonObject(value) || typeof value.before_taxes !== 'number') return undefined;
  const taxes = objectsIn(value.taxes).reduce(
    (sum, tax) => sum + (typeof tax.amount === 'number' ? tax.amount : 0),
    0,
  );
  // Rounded: 10.2 + 2.15 is 12.349999... in binary floating point.
  return { exclVat: value.before_taxes, inclVat: Math.round((value.before_taxes + taxes) * 10_000) / 10_000 };
}

/** A Session (ours or a partner's) as the console lists it. */
export interface SessionRow {
  /** 'own', or 'partner:<id>' for a partner's. */
  owner: string;
  party: string;
  id: string;
  status: string;
  start: string;
  end?: string;
  kwh: number;
  locationId: string;
  evseUid: string;
  currency?: string;
  /** total_cost incl. VAT, when the session has one. */
  cost?: number;
  lastUpdated: string;
}

/** A Session row as it is stored, and the Session itself. */
export interface StoredSession {
  row: SessionRow;
  data: JsonObject;
}

function sessionRow(owner: string, data: JsonObject): SessionRow {
  const end = text(data.end_date_time);
  const currency = text(data.currency);
  const cost = priceOf(data.total_cost);
  return {
    owner,
    party: `${text(data.country_code) ?? ''}*${text(data.party_id) ?? ''}`,
    id: text(data.id) ?? '',
    status: text(data.status) ?? 'UNKNOWN',
    start: text(data.start_date_time) ?? '',
    ...(end ? { end } : {}),
    kwh: typeof data.kwh === 'number' ? data.kwh : 0,
    locationId: text(data.location_id) ?? '',
    evseUid: text(data.evse_uid) ?? '',
    ...(currency ? { currency } : {}),
    ...(cost ? { cost: cost.inclVat } : {}),
    lastUpdated: text(data.last_updated) ?? '',
  };
}

/** Sessions, ours and partners', latest change first, of one status if asked. */
export function sessionPage(
  db: Kysely<Database>,
  page: PageRequest & { status?: string },
): Promise<ListPage<SessionRow>> {
  return latestFirst(db, 'sessions', page, sessionRow, page.status);
}

/** One Session by its owner and key. */
export async function findSession(
  db: Kysely<Database>,
  key: { owner: string; countryCode: string; partyId: string; id: string },
): Promise<StoredSession | undefined> {
  const found = await db
    .selectFrom('ocpi_objects')
    .select(['owner', 'data'])
    .where('module', '=', 'sessions')
    .where('owner', '=', key.owner)
    .where('country_code', '=', key.countryCode.toUpperCase())
    .where('party_id', '=', key.partyId.toUpperCase())
    .where('object_id', '=', key.id)
    .executeTakeFirst();
  return found && { row: sessionRow(found.owner, found.data), data: found.data };
}

/** A CDR (ours or a partner's) as the console lists it, with its priced totals. */
export interface CdrRow {
  owner: string;
  party: string;
  id: string;
  start: string;
  end: string;
  locationId: string;
  evseUid: string;
  currency: string;
  exclVat?: number;
  inclVat?: number;
  /** kWh. */
  energy: number;
  /** Hours. */
  time: number;
  parkingTime?: number;
  lastUpdated: string;
}

function cdrRow(owner: string, data: JsonObject): CdrRow {
  const place = isJsonObject(data.cdr_location) ? data.cdr_location : {};
  const cost = priceOf(data.total_cost);
  const number = (value: unknown) => (typeof value === 'number' ? value : 0);
  return {
    owner,
    party: `${text(data.country_code) ?? ''}*${text(data.party_id) ?? ''}`,
    id: text(data.id) ?? '',
    start: text(data.start_date_time) ?? '',
    end: text(data.end_date_time) ?? '',
    locationId: text(place.id) ?? '',
    evseUid: text(place.evse_uid) ?? '',
    currency: text(data.currency) ?? '',
    ...(cost ?? {}),
    energy: number(data.total_energy),
    time: number(data.total_time),
    ...(typeof data.total_parking_time === 'number' ? { parkingTime: data.total_parking_time } : {}),
    lastUpdated: text(data.last_updated) ?? '',
  };
}

/** CDRs, ours and partners', latest first. */
export function cdrPage(db: Kysely<Database>, page: PageRequest): Promise<ListPage<CdrRow>> {
  return latestFirst(db, 'cdrs', page, cdrRow);
}

/** A page of one module's stored objects, ours and partners', latest change first, as rows. */
async function latestFirst<R>(
  db: Kysely<Database>,
  module: 'sessions' | 'cdrs',
  page: PageRequest,
  row: (owner: string, data: JsonObject) => R,
  status?: string,
): Promise<ListPage<R>> {
  let query = db.selectFrom('ocpi_objects').where('module', '=', module);
  if (status) query = query.where(sql`data->>'status'`, '=', status);
  const total = await query
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .select(['owner', 'data'])
    .orderBy('last_updated', 'desc')
    .orderBy('seq', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { total: Number(total.n), items: rows.map((r) => row(r.owner, r.data)) };
}
