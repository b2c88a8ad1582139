import { sql } from 'kysely';
import type { HubClientStatus } from '../partners/hubs.ts';
import { ROUTING_HEADER_NAMES } from '../transport/routing-headers.ts';

/*
 * The party an outbox message is addressed to: the one its OCPI-to headers name, read from
 * the `headers` column in SQL (see hub-hold.ts for what the hub's status of it does).
 */

export const TO_COUNTRY = ROUTING_HEADER_NAMES.toCountry;
export const TO_PARTY = ROUTING_HEADER_NAMES.toParty;
const ROUTING_HEADERS: readonly string[] = Object.values(ROUTING_HEADER_NAMES);

/** Statuses whose messages wait in the outbox. */
const HELD: readonly HubClientStatus[] = ['OFFLINE', 'PLANNED'];

/** Headers with the routing header names in the one spelling the outbox reads them in. */
export function canonicalHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    out[ROUTING_HEADERS.find((h) => h.toLowerCase() === name.toLowerCase()) ?? name] = value;
  return out;
}

/** SQL: the status the hub (the row's partner) reports of the party the row of `ocpi_outbox` is addressed to. */
export const hubStatusOfRow = sql<HubClientStatus | null>`(
  select h.status from ocpi_hub_clients h
  where h.partner_id = ocpi_outbox.partner_id
    and h.country_code = upper(ocpi_outbox.headers ->> ${sql.lit(TO_COUNTRY)})
    and h.party_id = upper(ocpi_outbox.headers ->> ${sql.lit(TO_PARTY)}))`;

/** SQL: the row of `ocpi_outbox` is not held for its party (see above). */
export const notHeld = sql<boolean>`coalesce(${hubStatusOfRow} not in (${sql.join(HELD.map((s) => sql.lit(s)))}), true)`;
