import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import { routingHeadersFor } from '../../transport/routing-headers.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { type CanonicalObjects, fieldsOf, type ObjectModuleId, parseCanonical } from './canonical.ts';
import { firstPage, type PullOptions, type PullProgress, walkPages } from './pages.ts';
import { receivedContext } from './parties.ts';
import type { ObjectRef, ObjectService } from './service.ts';
import { endpointModuleOf, endpointSegment, type ObjectModuleSpec } from './spec.ts';

export { followableLink, type PullOptions, type PullProgress } from './pages.ts';

/** One object pulled, already in the canonical shape, with the reference to store it under. */
export interface PulledObject<T> {
  ref: ObjectRef;
  object: T;
}

/**
 * Pulls all objects of a module from a partner's sender interface, page by page (see
 * walkPages()); objects that fail validation are skipped and counted, not fatal.
 */
export async function* pullObjects<M extends ObjectModuleId>(
  node: OcpiNode,
  partner: Partner,
  spec: ObjectModuleSpec<M>,
  options: PullOptions = {},
): AsyncGenerator<PulledObject<CanonicalObjects[M]>> {
  const module = endpointModuleOf(spec);
  const endpoint = partnerEndpoint(partner, module, 'SENDER');
  if (!endpoint)
    throw new OcpiError(OcpiStatus.NO_MATCHING_ENDPOINTS, `the partner offers no ${module} sender endpoint`);
  const segment = endpointSegment(spec);
  const listUrl =
    segment.length > 0 ? [endpoint.url.replace(/\/+$/, ''), ...segment].join('/') : endpoint.url;
  const version = partner.version;
  const owner = partner.parties.find((p) => p.role === spec.ownerRole) ?? partner.parties[0];
  const us = node.parties[0];
  const headers = hasInterfaceRoles(version) && owner && us ? routingHeadersFor(us, owner) : undefined;
  const received = receivedContext(spec, version, node.parties);

  const progress: PullProgress = { pages: 0, received: 0, skipped: 0 };
  const walk = { ...firstPage(listUrl, options), module: spec.id, ...(headers ? { headers } : {}) };
  for await (const page of walkPages(node, partner, walk)) {
    progress.pages++;
    if (page.total !== undefined) progress.total = page.total;
    for (const item of page.items) {
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
    options.onPage?.({ ...progress });
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
