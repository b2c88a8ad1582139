import type { OcpiReply } from '../../client/ocpi-http.ts';
import { parseObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import { routingHeadersFor } from '../../transport/routing-headers.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { receivedContext } from './parties.ts';
import { partnerEndpoint } from './push-targets.ts';
import type { CanonicalObject, ObjectRef } from './service.ts';
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
export interface PulledObject {
  ref: ObjectRef;
  object: CanonicalObject;
}

function nextLink(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  return value ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(value)?.[1] : undefined;
}

/**
 * Pulls all objects of a module from a partner's sender interface, following Link
 * headers. Copes with partners that send wrong totals, an empty last page, or a Link
 * that loops; objects that fail validation are skipped and counted, not fatal.
 */
export async function* pullObjects(
  node: OcpiNode,
  partner: Partner,
  spec: ObjectModuleSpec,
  options: PullOptions = {},
): AsyncGenerator<PulledObject> {
  const endpoint = partnerEndpoint(partner, spec.id, 'SENDER');
  if (!endpoint)
    throw new OcpiError(OcpiStatus.NO_MATCHING_ENDPOINTS, `the partner offers no ${spec.id} sender endpoint`);
  const token = await node.registry.outboundToken(partner.id);
  if (!token) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `no token for partner ${partner.id}`);
  const version = partner.version as OcpiVersion;
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
  let url: string | undefined = first.toString();
  while (url && !seen.has(url) && progress.pages < (options.maxPages ?? 100_000)) {
    seen.add(url);
    const reply: OcpiReply = await node.http.call({
      method: 'GET',
      url,
      token,
      encoding: partner.tokenEncoding,
      ...(headers ? { headers } : {}),
    });
    if (reply.httpStatus >= 300 || reply.envelope.status_code !== OcpiStatus.SUCCESS) {
      throw new OcpiError(
        OcpiStatus.UNABLE_TO_USE_CLIENT_API,
        `GET ${url}: HTTP ${reply.httpStatus}, OCPI ${reply.envelope.status_code} ${reply.envelope.status_message ?? ''}`.trim(),
      );
    }
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
      const parsed = parseObject(version, spec.objectName, item, { context });
      if (!parsed.ok) {
        progress.skipped++;
        node.log.warn(
          { partner: partner.id, module: spec.id, problems: describeIssues(parsed.errors) },
          'skipped an invalid object',
        );
        continue;
      }
      const object = parsed.value as CanonicalObject;
      progress.received++;
      const subtype =
        spec.subtype && hasInterfaceRoles(version)
          ? String(object[spec.subtype.field] ?? spec.subtype.default)
          : undefined;
      yield {
        object,
        ref: {
          countryCode: String(object.country_code ?? context.countryCode).toUpperCase(),
          partyId: String(object.party_id ?? context.partyId).toUpperCase(),
          id: String(object[spec.idField]),
          ...(subtype ? { subtype } : {}),
        },
      };
    }
    options.onPage?.({ ...progress });
    // An empty page ends the pull even if the partner still sends a Link.
    url = items.length === 0 ? undefined : nextLink(reply.headers.link);
  }
}

/** Pulls a module from a partner and stores what arrives as that partner's objects. */
export async function syncFromPartner(
  node: OcpiNode,
  partnerId: string,
  spec: ObjectModuleSpec,
  options: PullOptions = {},
): Promise<PullProgress> {
  const { partner } = await node.registry.registered(partnerId);
  const service = node.services[spec.id];
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
      new Date(String(object.last_updated ?? new Date().toISOString())),
    );
  }
  return last;
}
