import { formatDateTime, parseDateTime } from '../../model/datetime.ts';
import { isJsonObject, type JsonObject } from '../../model/json.ts';
import { parseObject, renderObject, withoutNulls } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import type { HubClient, HubClientStatus } from '../../partners/hubs.ts';
import { OcpiError } from '../../transport/errors.ts';

/*
 * ClientInfo objects in and out. What is stored is the role as the hub wrote it in the
 * widest Role there is, the 2.2.1 one (2.3.0's less HUB): a 2.2.1 hub's HUB stays HUB for a
 * 2.2.1 reader and is OTHER for a 2.3.0 one, through the model's codecs (codecs/v221.ts).
 */

/** The widest Role: the version stored roles are read in, and written back from. */
const STORED_ROLES: OcpiVersion = '2.2.1';

const STATUSES: readonly HubClientStatus[] = ['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'];

function isStatus(value: unknown): value is HubClientStatus {
  return STATUSES.some((s) => s === value);
}

/** A ClientInfo as the node keeps it, and the canonical (2.3.0-shaped) object it was read as. */
export interface ReadClientInfo {
  client: Omit<HubClient, 'partnerId'>;
  canonical: JsonObject;
}

/** A party as a URL or an object names it. */
export interface PartyKey {
  countryCode: string;
  partyId: string;
}

/** The stored shape of a canonical ClientInfo the schema has accepted. */
function toClient(canonical: JsonObject): Omit<HubClient, 'partnerId'> | undefined {
  const { country_code, party_id, status, last_updated } = canonical;
  // The role in the widest Role, so that a 2.2.1 HUB is kept as HUB.
  const { role } = renderObject(STORED_ROLES, 'ClientInfo', canonical);
  const lastUpdated = typeof last_updated === 'string' ? parseDateTime(last_updated) : undefined;
  if (typeof country_code !== 'string' || typeof party_id !== 'string' || typeof role !== 'string')
    return undefined;
  if (!isStatus(status) || !lastUpdated) return undefined;
  return {
    countryCode: country_code.toUpperCase(),
    partyId: party_id.toUpperCase(),
    role,
    status,
    lastUpdated,
  };
}

/** Reads a ClientInfo as `version` shapes it (liberally: null is absent, DateTime with or without `Z`). */
export function parseClientInfo(version: OcpiVersion, json: unknown): ReadClientInfo | { problems: string } {
  const parsed = parseObject(version, 'ClientInfo', json);
  if (!parsed.ok) return { problems: describeIssues(parsed.errors) };
  const client = toClient(parsed.value);
  return client ? { client, canonical: parsed.value } : { problems: 'not a ClientInfo' };
}

/**
 * Reads the body of a PUT {hubclientinfo}/{country_code}/{party_id}. The party is the URL's:
 * the body may leave country_code and party_id out (the liberal reading) but may not name
 * another party. A body without last_updated is taken as changed `now`. Anything wrong is
 * OCPI 2001 naming the field.
 */
export function readPutBody(version: OcpiVersion, body: unknown, party: PartyKey, now: Date): ReadClientInfo {
  const given = withoutNulls(body);
  if (!isJsonObject(given)) throw OcpiError.invalid('invalid ClientInfo: the body must be a JSON object');
  const url: Record<'country_code' | 'party_id', string> = {
    country_code: party.countryCode,
    party_id: party.partyId,
  };
  for (const field of ['country_code', 'party_id'] as const) {
    const value = given[field];
    if (typeof value === 'string' && value.toUpperCase() !== url[field].toUpperCase())
      throw OcpiError.invalid(
        `invalid ClientInfo: ${field} ${value} is not the URL's ${url[field]}; a ClientInfo is PUT under its own party`,
      );
  }
  const read = parseClientInfo(version, { ...url, last_updated: formatDateTime(now), ...given });
  if ('problems' in read) throw OcpiError.invalid(`invalid ClientInfo: ${read.problems}`);
  return read;
}

/** A stored ClientInfo as `version` writes it (a HUB role is OTHER in 2.3.0). */
export function renderClientInfo(version: OcpiVersion, client: HubClient): JsonObject {
  const stored = {
    country_code: client.countryCode,
    party_id: client.partyId,
    role: client.role,
    status: client.status,
    last_updated: formatDateTime(client.lastUpdated),
  };
  const parsed = parseObject(STORED_ROLES, 'ClientInfo', stored);
  if (!parsed.ok)
    throw new OcpiError(
      'OCPI_ERR_INTERNAL',
      `stored ClientInfo of ${client.countryCode}*${client.partyId} is unreadable: ${describeIssues(parsed.errors)}`,
    );
  return renderObject(version, 'ClientInfo', parsed.value);
}
