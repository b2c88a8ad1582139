import type { OutboxEntry, OutboxMessage } from '../../delivery/outbox.ts';
import type { CodecContextExt } from '../../model/codecs/index.ts';
import { hasInterfaceRoles, isSupportedVersion, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import { broadcastParty, headersFor, type PartyRef, parsePartyKey, routeTo } from '../../partners/routing.ts';
import type { Partner, PartnerEndpoint } from '../../partners/types.ts';
import type { ObjectModuleId } from './canonical.ts';
import { type Change, wholeChange } from './change.ts';
import { parsePushKey, pushKey } from './push-key.ts';
import { receiverObjectUrl } from './push-targets.ts';
import type { CanonicalObject } from './service.ts';
import {
  audienceOf,
  endpointModuleOf,
  endpointSegment,
  type ObjectModuleSpec,
  objectNameAt,
} from './spec.ts';
import { renderFor } from './visibility.ts';

/** One partner a change goes to, and the party its OCPI-to headers name. */
export interface PushTarget {
  partner: Partner;
  /**
   * The receiving party: one of the partner's, a party behind the hub the partner is (a
   * Session or CDR for the eMSP of its token), or the hub's own party for a Broadcast Push.
   */
  to: PartyRef;
}

/** The partners a change may go to, and what rendering it for their versions needs. */
export interface Recipients {
  targets: PushTarget[];
  extras: Map<string, CodecContextExt>;
}

/** How a change goes to a partner of some version: the method, and the body when it has one. */
interface Rendered {
  method: Change['method'];
  body?: CanonicalObject;
}

type Render = (object: CanonicalObject | undefined) => CanonicalObject | undefined;

/**
 * The outbox messages that carry the changes of our objects of one module to the partners
 * that receive them: one per partner that receives the module (or only for the party an
 * object is meant for), rendered in the partner's version.
 *
 * Hubs: an object meant for one party (a Session or CDR, for the eMSP of its token) goes to
 * that party only: to its own platform, or through the hub that announced it, addressed to
 * it in OCPI-to (never as a broadcast). Objects for every receiver (Locations, Tariffs,
 * Tokens) go to a hub once, as a Broadcast Push: OCPI-to names the hub itself, and the hub
 * passes them on to the parties behind it, whatever the roles the hub registered with.
 */
export class PushMessages<M extends ObjectModuleId = ObjectModuleId> {
  constructor(
    private readonly node: OcpiNode,
    private readonly spec: ObjectModuleSpec<M>,
  ) {}

  /** The messages of a change, to every partner that gets it. */
  async of(change: Change): Promise<OutboxMessage[]> {
    return this.to(await this.recipients(change.root), change);
  }

  /**
   * The partners and what rendering the root for their versions needs: looked up before
   * the transaction, as PGlite has a single connection and nothing outside the
   * transaction may query inside it.
   */
  async recipients(root: CanonicalObject | undefined): Promise<Recipients> {
    const targets = await this.targets(root);
    const extras = new Map<string, CodecContextExt>();
    const lookup = this.spec.renderContext;
    if (lookup && root) {
      for (const version of new Set(targets.map((t) => t.partner.version)))
        if (isSupportedVersion(version)) extras.set(version, await lookup(this.node, version, [root]));
    }
    return { targets, extras };
  }

  /** Who gets changes of `root`, with the party each is addressed to. */
  private async targets(root: CanonicalObject | undefined): Promise<PushTarget[]> {
    if (this.spec.pushTo === 'audience') {
      const party = parsePartyKey(audienceOf(this.spec, root ?? {}));
      const owner = { countryCode: String(root?.country_code ?? ''), partyId: String(root?.party_id ?? '') };
      const route = party && (await routeTo(this.node, party, owner));
      return route ? [{ partner: route.partner, to: route.to }] : [];
    }
    const partners = await this.node.registry.listCached();
    return partners.flatMap((partner) => {
      const to =
        broadcastParty(partner) ??
        partner.parties.find((p) => this.spec.receiverRoles.some((role) => role === p.role));
      return partner.status === 'registered' && to ? [{ partner, to }] : [];
    });
  }

  /** The messages of a change to those of the recipients that get it. */
  to({ targets, extras }: Recipients, change: Change): OutboxMessage[] {
    // Rendered once per version, however many partners share it (a fan-out to 50 eMSPs).
    const renderings = new Map<OcpiVersion, Rendered | undefined>();
    return targets
      .map((t) => this.messageFor(t, change, extras.get(t.partner.version) ?? {}, renderings))
      .filter((m): m is OutboxMessage => m !== undefined);
  }

  /**
   * The PUT of the whole object, as it is now, that replaces a push of it the partner
   * refused (a PATCH of an object it does not know): for the delivery worker. Undefined
   * when the push is not one of this module's, or the object is gone, or the partner no
   * longer gets it.
   */
  async wholeObject(entry: OutboxEntry): Promise<OutboxMessage | undefined> {
    const key = entry.kind === 'push' ? parsePushKey(entry.orderingKey) : undefined;
    if (!key || key.module !== this.spec.id || this.spec.receive === 'post') return undefined;
    const { ref } = key;
    const root = await this.node.services[this.spec.id].getOwn(ref.id, ref.subtype);
    // getOwn() looks in all our parties: the object of this key's party only.
    const sameOwner =
      String(root?.country_code ?? '').toUpperCase() === ref.countryCode &&
      String(root?.party_id ?? '').toUpperCase() === ref.partyId;
    if (!root || !sameOwner) return undefined;
    const { targets, extras } = await this.recipients(root);
    const target = targets.find((t) => t.partner.id === entry.partnerId);
    if (!target) return undefined;
    return this.messageFor(target, wholeChange(ref, 'PUT', root), extras.get(target.partner.version) ?? {});
  }

  private messageFor(
    { partner, to }: PushTarget,
    change: Change,
    extra: CodecContextExt,
    renderings = new Map<OcpiVersion, Rendered | undefined>(),
  ): OutboxMessage | undefined {
    const endpoint = partnerEndpoint(partner, endpointModuleOf(this.spec), 'RECEIVER');
    const version = partner.version;
    if (!endpoint || !isSupportedVersion(version)) return undefined;
    const { ref } = change;
    if (!renderings.has(version)) renderings.set(version, this.rendered(version, change, extra));
    const rendered = renderings.get(version);
    if (!rendered) {
      this.node.log.debug(
        { partner: partner.id, module: this.spec.id, id: ref.id },
        'not pushed: not expressible or not visible in the partner version',
      );
      return undefined;
    }
    const withRoles = hasInterfaceRoles(version);
    const headers = headersFor(partner, { countryCode: ref.countryCode, partyId: ref.partyId }, to);
    return {
      partnerId: partner.id,
      orderingKey: pushKey(this.spec.id, ref),
      method: rendered.method,
      url: this.urlAt(endpoint, change, withRoles),
      ...(rendered.body !== undefined ? { body: rendered.body } : {}),
      kind: 'push',
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      // A later push of the object to the same URL may make this one pointless (see
      // OutboxMessage.coalesce), unless a PATCH appends to a list (a Session's periods).
      coalesce:
        rendered.method === 'PUT' || (rendered.method === 'PATCH' && !this.spec.appendOnPatch?.length),
    };
  }

  /** Where a change goes on the partner's receiver: the module URL for a POST, else the object's. */
  private urlAt(endpoint: PartnerEndpoint, change: Change, withRoles: boolean): string {
    if (change.method === 'POST') return endpoint.url;
    const { ref, path } = change;
    const subtype = this.spec.subtype;
    const query = withRoles && subtype && ref.subtype ? { [subtype.query]: ref.subtype } : undefined;
    return receiverObjectUrl(
      endpoint,
      [ref.countryCode, ref.partyId, ...endpointSegment(this.spec), ref.id, ...path],
      query,
    );
  }

  /**
   * The method and body a change goes as in a version. Undefined when there is nothing to
   * send: the version cannot express the object or may not see it.
   */
  private rendered(version: OcpiVersion, change: Change, extra: CodecContextExt): Rendered | undefined {
    const objectName = objectNameAt(this.spec, change.path);
    const root = change.root ?? {};
    const render: Render = (object) => renderFor(version, objectName, object ?? {}, root, undefined, extra);
    const withBody = (method: Change['method'], body: CanonicalObject | undefined) =>
      body === undefined ? undefined : { method, body };
    switch (change.method) {
      case 'DELETE':
        return { method: 'DELETE' };
      case 'PATCH':
        // 2.1.1 partners get the whole child instead: same effect, and no PATCH shape to translate.
        if (!hasInterfaceRoles(version)) return withBody('PUT', render(change.whole));
        return withBody('PATCH', this.patchBody(change, render));
      default:
        return withBody(change.method, render(change.body));
    }
  }

  /**
   * The body of a PATCH: the fields that changed (and last_updated), as this version
   * names and shapes them: taken from the whole object rendered through the version's
   * codec, so no canonical-only shape leaks out. Appended lists carry only their new items.
   */
  private patchBody(change: Change, render: Render): CanonicalObject | undefined {
    const whole = render(change.whole);
    if (!whole) return undefined;
    const before = change.before ? render(change.before) : undefined;
    const appended = change.appended ?? {};
    const added =
      Object.keys(appended).length > 0 ? render({ ...(change.whole ?? {}), ...appended }) : undefined;
    const body: CanonicalObject = {};
    for (const key of Object.keys(change.body ?? {})) {
      if (!(key in whole)) continue;
      if (key in appended) {
        const items = added?.[key];
        if (Array.isArray(items) && items.length > 0) body[key] = items;
        continue;
      }
      const same = before !== undefined && JSON.stringify(before[key]) === JSON.stringify(whole[key]);
      if (key === 'last_updated' || !same) body[key] = whole[key];
    }
    return body;
  }
}
