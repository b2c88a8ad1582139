import { type OcpiReply, PartnerCallError } from '../../client/ocpi-http.ts';
import { isRefusal } from '../../delivery/refusal.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import { routingHeadersFor } from '../../transport/routing-headers.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { type CanonicalObjects, fieldsOf, type ObjectModuleId, parseCanonical } from './canonical.ts';
import { receivedContext } from './parties.ts';
import type { ObjectRef, ObjectService } from './service.ts';
import type { ObjectModuleSpec } from './spec.ts';

export interface PullOptions {
  dateFrom?: Date;
  dateTo?: Date;
  /** Page size to ask for (the partner may send fewer). */
  limit?: number;
  /** Safety stop for partners whose Link never ends (default 100,000 pages). */
  maxPages?: number;
  /** Called after each page. */
  onPage?: (progress: PullProgress) => void;
}

export interface PullProgress {
  pages: number;
  received: number;
  skipped: number;
  /** What the partner's X-Total-Count says, which may be wrong. */
  total?: number;
}

/** One object pulled, already in the canonical shape, with the reference to store it under. */
export interface PulledObject<T> {
  ref: ObjectRef;
  object: T;
}

function nextLink(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  return value ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(value)?.[1] : undefined;
}

/**
 * The next page's URL from a partner's Link, if we may follow it: it parses (relative to
 * the page it came with), is on the endpoint's host, and its scheme is the endpoint's,
 * or https. Anything else is not sent the partner's token.
 */
export function followableLink(link: string, page: URL, endpoint: URL): URL | undefined {
  let url: URL;
  try {
    url = new URL(link, page);
  } catch {
    return undefined;
  }
  if (url.protocol !== endpoint.protocol && url.protocol !== 'https:') return undefined;
  return url.host === endpoint.host ? url : undefined;
}

/**
 * Pulls all objects of a module from a partner's sender interface, following Link
 * headers. Copes with partners that send wrong totals, an empty last page, or a Link
 * that loops; objects that fail validation are skipped and counted, not fatal. A Link
 * that cannot be followed (see followableLink(), or the partner refuses the page it
 * names) is replaced by offset paging from the objects received so far.
 */
export async function* pullObjects<M extends ObjectModuleId>(
  node: OcpiNode,
  partner: Partner,
  spec: ObjectModuleSpec<M>,
  options: PullOptions = {},
): AsyncGenerator<PulledObject<CanonicalObjects[M]>> {
  const endpoint = partnerEndpoint(partner, spec.id, 'SENDER');
  if (!endpoint)
    throw new OcpiError(OcpiStatus.NO_MATCHING_ENDPOINTS, `the partner offers no ${spec.id} sender endpoint`);
  const token = await node.registry.outboundToken(partner.id);
  if (!token) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `no token for partner ${partner.id}`);
  const version = partner.version;
  const owner = partner.parties.find((p) => p.role === spec.ownerRole) ?? partner.parties[0];
  const us = node.parties[0];
  const headers = hasInterfaceRoles(version) && owner && us ? routingHeadersFor(us, owner) : undefined;
  const received = receivedContext(spec, version, node.parties);

  const first = new URL(endpoint.url);
  if (options.dateFrom) first.searchParams.set('date_from', options.dateFrom.toISOString());
  if (options.dateTo) first.searchParams.set('date_to', options.dateTo.toISOString());
  if (options.limit) first.searchParams.set('limit', String(options.limit));
  const seen = new Set<string>();
  const progress: PullProgress = { pages: 0, received: 0, skipped: 0 };
  /** Objects the partner sent so far, valid or not: the offset of the next page. */
  let offset = 0;
  const byOffset = () => {
    const url = new URL(first);
    url.searchParams.set('offset', String(offset));
    return url.toString();
  };
  /** A page; or, when the partner refused it (HTTP 4xx, OCPI 2xxx), the error. Other failures throw. */
  const get = async (url: string): Promise<{ reply: OcpiReply } | { refused: Error }> => {
    let reply: OcpiReply;
    try {
      reply = await node.http.call({
        method: 'GET',
        url,
        token,
        encoding: partner.tokenEncoding,
        ...(headers ? { headers } : {}),
      });
    } catch (err) {
      if (err instanceof PartnerCallError && isRefusal(err.partnerHttpStatus)) return { refused: err };
      throw err;
    }
    const { httpStatus, envelope } = reply;
    if (httpStatus < 300 && envelope.status_code === OcpiStatus.SUCCESS) return { reply };
    const error = new OcpiError(
      'OCPI_ERR_PARTNER_REFUSED',
      `GET ${url}: HTTP ${httpStatus}, OCPI ${envelope.status_code} ${envelope.status_message ?? ''}`.trim(),
    );
    if (isRefusal(httpStatus, envelope.status_code)) return { refused: error };
    throw error;
  };
  let url: string | undefined = first.toString();
  /** Whether `url` came from the partner's Link (and offset paging may stand in for it). */
  let linked = false;
  while (url && !seen.has(url) && progress.pages < (options.maxPages ?? 100_000)) {
    seen.add(url);
    const page = await get(url);
    if ('refused' in page) {
      if (!linked) throw page.refused;
      node.log.warn(
        { partner: partner.id, module: spec.id, err: page.refused.message },
        'the partner refused the page its Link names: paging on by offset',
      );
      url = byOffset();
      linked = false;
      continue;
    }
    const { reply } = page;
    const items: unknown[] = Array.isArray(reply.envelope.data) ? reply.envelope.data : [];
    progress.pages++;
    const total = Number(reply.headers['x-total-count']);
    if (Number.isFinite(total)) progress.total = total;
    for (const item of items) {
      const context = {
        ...received,
        countryCode: owner?.countryCode ?? '',
        partyId: owner?.partyId ?? '',
      };
      const parsed = parseCanonical(spec, version, item, context);
      if (!parsed.ok) {
        progress.skipped++;
        node.log.warn(
          { partner: partner.id, module: spec.id, problems: describeIssues(parsed.errors) },
          'skipped an invalid object',
        );
        continue;
      }
      const object = parsed.value;
      const fields = fieldsOf(object);
      progress.received++;
      const subtype =
        spec.subtype && hasInterfaceRoles(version)
          ? String(fields[spec.subtype.field] ?? spec.subtype.default)
          : undefined;
      yield {
        object,
        ref: {
          countryCode: String(fields.country_code ?? context.countryCode).toUpperCase(),
          partyId: String(fields.party_id ?? context.partyId).toUpperCase(),
          id: String(fields[spec.idField]),
          ...(subtype ? { subtype } : {}),
        },
      };
    }
    offset += items.length;
    options.onPage?.({ ...progress });
    // An empty page ends the pull even if the partner still sends a Link; no Link, too.
    const link = items.length === 0 ? undefined : nextLink(reply.headers.link);
    if (link === undefined) break;
    const next = followableLink(link, new URL(url), first);
    if (!next)
      node.log.warn(
        { partner: partner.id, module: spec.id, link },
        'the partner sent a Link that cannot be followed: paging on by offset',
      );
    url = next ? next.toString() : byOffset();
    linked = next !== undefined;
  }
}

/** Pulls a module from a partner and stores what arrives as that partner's objects. */
export async function syncFromPartner<M extends ObjectModuleId>(
  node: OcpiNode,
  partnerId: string,
  spec: ObjectModuleSpec<M>,
  options: PullOptions = {},
): Promise<PullProgress> {
  const { partner } = await node.registry.registered(partnerId);
  const service: ObjectService<CanonicalObjects[M]> = node.services[spec.id];
  let last: PullProgress = { pages: 0, received: 0, skipped: 0 };
  for await (const { ref, object } of pullObjects(node, partner, spec, {
    ...options,
    onPage: (p) => {
      last = p;
      options.onPage?.(p);
    },
  })) {
    await service.putReceived(
      partner.id,
      ref,
      object,
      new Date(String(object.last_updated ?? new Date(node.clock.now()).toISOString())),
    );
  }
  return last;
}
