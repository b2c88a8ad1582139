import { enqueue, type OutboxMessage } from '../../delivery/outbox.ts';
import { parseObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { formatDateTime } from '../../transport/datetime.ts';
import { OcpiError } from '../../transport/errors.ts';
import { routingHeadersFor } from '../../transport/routing-headers.ts';
import { partnerEndpoint, receiverObjectUrl } from './push-targets.ts';
import {
  type CanonicalObject,
  type ObjectRef,
  OWN,
  type OwnListQuery,
  type OwnPage,
  StoreObjectService,
} from './service.ts';
import type { ObjectModuleSpec } from './spec.ts';
import { findAt, replaceAt } from './tree.ts';
import { renderFor } from './visibility.ts';

/** A change to one of our objects, at the root or at a child (an EVSE, a Connector). */
interface Change {
  ref: ObjectRef;
  path: string[];
  method: 'PUT' | 'PATCH' | 'DELETE';
  /** The object at `path` after the change (for PUT), or the changed fields (for PATCH). */
  body?: CanonicalObject;
  /** The whole object at `path` after the change: what 2.1.1 partners get instead of a PATCH. */
  whole?: CanonicalObject;
  /** The root object after the change (owner, publish flag). */
  root?: CanonicalObject;
}

/**
 * Our own objects: writes go to the store and, in the same transaction, one outbox row
 * per partner that receives the module, so every partner gets every change, in order,
 * even across restarts.
 */
export class Publisher {
  constructor(
    private readonly node: OcpiNode,
    private readonly spec: ObjectModuleSpec,
    private readonly wake: () => void,
  ) {}

  private get repo() {
    const service = this.node.services[this.spec.id];
    return service instanceof StoreObjectService ? service.repo : undefined;
  }

  private key(ref: ObjectRef) {
    return {
      module: this.spec.id,
      owner: OWN,
      countryCode: ref.countryCode,
      partyId: ref.partyId,
      objectId: ref.id,
      subtype: ref.subtype ?? '',
    };
  }

  private checkOwnParty(object: CanonicalObject): ObjectRef {
    const cc = String(object.country_code ?? '').toUpperCase();
    const pid = String(object.party_id ?? '').toUpperCase();
    if (
      !this.node.parties.some(
        (p) => p.countryCode === cc && p.partyId === pid && p.role === this.spec.ownerRole,
      )
    ) {
      throw OcpiError.invalid(`${cc}*${pid} is not one of this node's ${this.spec.ownerRole} parties`);
    }
    const subtype = this.spec.subtype
      ? String(object[this.spec.subtype.field] ?? this.spec.subtype.default)
      : undefined;
    return {
      countryCode: cc,
      partyId: pid,
      id: String(object[this.spec.idField]),
      ...(subtype ? { subtype } : {}),
    };
  }

  /** Creates or replaces one of our objects, given in a version's shape (default: canonical 2.3.0). */
  async put(json: unknown, version: OcpiVersion = '2.3.0'): Promise<CanonicalObject> {
    const parsed = parseObject(version, this.spec.objectName, json);
    if (!parsed.ok)
      throw OcpiError.invalid(`invalid ${this.spec.objectName}: ${describeIssues(parsed.errors)}`);
    const object = parsed.value as CanonicalObject;
    const ref = this.checkOwnParty(object);
    await this.write(ref, object, {
      ref,
      path: [],
      method: 'PUT',
      body: object,
      whole: object,
      root: object,
    });
    return object;
  }

  /**
   * Changes fields of one of our objects or of a child (e.g. an EVSE's status), and
   * pushes a PATCH (a PUT of the whole child to 2.1.1 partners, which may not PATCH).
   */
  async patch(ref: ObjectRef, path: string[], fields: CanonicalObject): Promise<CanonicalObject> {
    const repo = this.requireRepo();
    const stored = await repo.get<CanonicalObject>(this.key(ref));
    const current = stored && findAt(stored.data, this.spec.children, path);
    if (!stored || !current)
      throw new OcpiError(this.spec.unknownStatus, `unknown ${this.objectNameAt(path)}`);
    const lastUpdated =
      typeof fields.last_updated === 'string' ? fields.last_updated : formatDateTime(new Date());
    const changed = { ...fields, last_updated: lastUpdated };
    const objectName = this.objectNameAt(path);
    const parsed = parseObject('2.3.0', objectName, { ...current, ...changed });
    if (!parsed.ok) throw OcpiError.invalid(`invalid ${objectName}: ${describeIssues(parsed.errors)}`);
    const whole = parsed.value as CanonicalObject;
    const root = replaceAt(stored.data, this.spec.children, path, whole, lastUpdated) as CanonicalObject;
    await this.write(ref, root, { ref, path, method: 'PATCH', body: changed, whole, root });
    return whole;
  }

  /** Deletes one of our objects (Tariffs) and tells the partners. */
  async delete(ref: ObjectRef): Promise<boolean> {
    const repo = this.requireRepo();
    const stored = await repo.get<CanonicalObject>(this.key(ref));
    if (!stored) return false;
    const messages = await this.messages({ ref, path: [], method: 'DELETE', root: stored.data });
    await this.node.store.db.transaction().execute(async (trx) => {
      await repo.delete(this.key(ref), trx);
      for (const m of messages) await enqueue(trx, m);
    });
    this.wake();
    return true;
  }

  /** One of our objects by id (canonical shape). */
  get(id: string, subtype?: string): Promise<CanonicalObject | undefined> {
    return this.node.services[this.spec.id].getOwn(id, subtype);
  }

  /** Our objects, a page at a time, oldest first. */
  list(query: Partial<OwnListQuery> = {}): Promise<OwnPage> {
    return this.node.services[this.spec.id].listOwn({ offset: 0, limit: 100, ...query });
  }

  /** What a partner pushed to us (or we pulled from it). */
  received(partnerId: string, ref: ObjectRef): Promise<CanonicalObject | undefined> {
    return this.node.services[this.spec.id].getReceived(partnerId, ref);
  }

  private objectNameAt(path: string[]): string {
    return path.length === 0
      ? this.spec.objectName
      : (this.spec.children[path.length - 1]?.objectName as string);
  }

  private requireRepo() {
    const repo = this.repo;
    if (!repo)
      throw new Error(`${this.spec.id}: a custom service keeps its own data; call push() after changing it`);
    return repo;
  }

  private async write(ref: ObjectRef, root: CanonicalObject, change: Change): Promise<void> {
    const repo = this.repo;
    const messages = await this.messages(change);
    await this.node.store.db.transaction().execute(async (trx) => {
      await repo?.put(this.key(ref), root, new Date(String(root.last_updated)), trx);
      for (const m of messages) await enqueue(trx, m);
    });
    this.wake();
  }

  /** Pushes a change made in a custom service (one that keeps its own data). */
  async push(change: Change): Promise<void> {
    const messages = await this.messages(change);
    await this.node.store.db.transaction().execute(async (trx) => {
      for (const m of messages) await enqueue(trx, m);
    });
    this.wake();
  }

  /**
   * One message per partner that receives the module. Built before the transaction:
   * PGlite has a single connection, so nothing outside the transaction may query inside it.
   */
  private async messages(change: Change): Promise<OutboxMessage[]> {
    const partners = await this.node.registry.list();
    return partners.map((p) => this.messageFor(p, change)).filter((m): m is OutboxMessage => m !== undefined);
  }

  private messageFor(partner: Partner, change: Change): OutboxMessage | undefined {
    if (partner.status !== 'registered') return undefined;
    const receives = partner.parties.some((p) => (this.spec.receiverRoles as string[]).includes(p.role));
    const endpoint = partnerEndpoint(partner, this.spec.id, 'RECEIVER');
    if (!receives || !endpoint) return undefined;
    const version = partner.version as OcpiVersion;
    const { ref, path } = change;
    const withRoles = hasInterfaceRoles(version);
    const query =
      withRoles && this.spec.subtype && ref.subtype ? { [this.spec.subtype.query]: ref.subtype } : undefined;
    const url = receiverObjectUrl(endpoint, [ref.countryCode, ref.partyId, ref.id, ...path], query);
    const context = { countryCode: ref.countryCode, partyId: ref.partyId };
    const objectName = this.objectNameAt(path);
    let method = change.method;
    let body: unknown;
    const root = change.root ?? {};
    if (method === 'PATCH' && !withRoles) {
      // 2.1.1 partners get the whole child instead: same effect, and no PATCH shape to translate.
      method = 'PUT';
      body = renderFor(version, objectName, change.whole ?? {}, root);
    } else if (method === 'PATCH') {
      // The changed fields as this version names and shapes them: taken from the whole
      // object rendered through the version's codec, so no canonical-only shape leaks out.
      const whole = renderFor(version, objectName, change.whole ?? {}, root) as CanonicalObject | undefined;
      body =
        whole &&
        Object.fromEntries(
          Object.keys(change.body ?? {})
            .filter((k) => k in whole)
            .map((k) => [k, whole[k]]),
        );
    } else if (method === 'PUT') {
      body = renderFor(version, objectName, change.body ?? {}, root);
    }
    // Nothing to send when the version cannot express the object or may not see it.
    if (method !== 'DELETE' && body === undefined) {
      this.node.log.debug(
        { partner: partner.id, module: this.spec.id, id: ref.id },
        'not pushed: not expressible or not visible in the partner version',
      );
      return undefined;
    }
    const to =
      partner.parties.find((p) => (this.spec.receiverRoles as string[]).includes(p.role)) ??
      partner.parties[0];
    return {
      partnerId: partner.id,
      orderingKey: `${this.spec.id}/${ref.countryCode}/${ref.partyId}/${ref.id}/${ref.subtype ?? ''}`,
      method,
      url,
      ...(body !== undefined ? { body } : {}),
      kind: 'push',
      ...(withRoles && to
        ? { headers: routingHeadersFor(context, { countryCode: to.countryCode, partyId: to.partyId }) }
        : {}),
    };
  }
}
