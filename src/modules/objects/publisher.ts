import { isDeepStrictEqual } from 'node:util';
import type { Kysely } from 'kysely';
import { enqueue, type OutboxEntry, type OutboxMessage } from '../../delivery/outbox.ts';
import type { CodecContextExt } from '../../model/codecs/index.ts';
import { formatDateTime } from '../../model/datetime.ts';
import type { JsonValue } from '../../model/json.ts';
import { parseObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import type { Partner } from '../../partners/types.ts';
import type { ObjectRepository } from '../../store/object-repository.ts';
import type { Database } from '../../store/schema.ts';
import { OcpiError } from '../../transport/errors.ts';
import { routingHeadersFor } from '../../transport/routing-headers.ts';
import { newItems } from './append.ts';
import { type CanonicalObjects, type ObjectModuleId, parseCanonical } from './canonical.ts';
import { assertSameIdentity, identityAt } from './identity.ts';
import { parsePushKey, pushKey } from './push-key.ts';
import { receiverObjectUrl } from './push-targets.ts';
import {
  type CanonicalObject,
  type ObjectRef,
  type ObjectService,
  OWN,
  type OwnListQuery,
  type OwnPage,
  StoreObjectService,
} from './service.ts';
import { audienceOf, type ObjectModuleSpec, partyKey } from './spec.ts';
import { findAt, replaceAt } from './tree.ts';
import { renderFor } from './visibility.ts';

/** What the API offers of immutable objects (CDRs): created once, never changed. */
export type ImmutablePublisher<M extends ObjectModuleId = ObjectModuleId> = Pick<
  Publisher<M>,
  'post' | 'get' | 'list' | 'received' | 'listReceived' | 'push'
>;

/** A change to one of our objects, at the root or at a child (an EVSE, a Connector). */
export interface Change {
  ref: ObjectRef;
  path: string[];
  /** POST: a new immutable object (a CDR), sent to the partner's module URL. */
  method: 'PUT' | 'PATCH' | 'DELETE' | 'POST';
  /** The object at `path` after the change (for PUT), or the changed fields (for PATCH). */
  body?: CanonicalObject;
  /** The whole object at `path` after the change: what 2.1.1 partners get instead of a PATCH. */
  whole?: CanonicalObject;
  /** The whole object at `path` before a PATCH: fields that end up unchanged are not sent. */
  before?: CanonicalObject;
  /** For PATCH, the items added to the spec's `appendOnPatch` lists: all a PATCH carries of them. */
  appended?: Record<string, unknown[]>;
  /** The root object after the change (owner, publish flag, audience). */
  root?: CanonicalObject;
}

/** The partners a change may go to, and what rendering it for their versions needs. */
interface Recipients {
  partners: Partner[];
  extras: Map<string, CodecContextExt>;
}

/**
 * A change to one of our objects, checked and with its outbox rows built, to be written
 * in a transaction of the caller's together with other writes: all or nothing. Staged
 * outside the transaction (PGlite has one connection: nothing outside a transaction may
 * query while it is open). After the commit, wake the delivery worker.
 */
export interface StagedWrite<T extends CanonicalObject = CanonicalObject> {
  /** The object (or child) as it is after the change. */
  readonly object: T;
  /**
   * Writes the object and its outbox rows in `trx`, which must be a transaction, and gives
   * the object as written (a PATCH applies to the object as it is at that moment).
   */
  apply(trx: Kysely<Database>): Promise<T>;
}

/**
 * Our own objects: writes go to the store and, in the same transaction, one outbox row
 * per partner that receives the module (or, for objects with an audience, the partner
 * they are meant for), so every such partner gets every change, in order, even across
 * restarts.
 */
export class Publisher<M extends ObjectModuleId = ObjectModuleId> {
  constructor(
    private readonly node: OcpiNode,
    private readonly spec: ObjectModuleSpec<M>,
    private readonly wake: () => void,
  ) {}

  private get service(): ObjectService<CanonicalObjects[M]> {
    return this.node.services[this.spec.id];
  }

  /** Our store, when the module's service is ours; it holds any of the module's objects as JSON. */
  private get repo(): ObjectRepository<CanonicalObject> | undefined {
    const service = this.service;
    return service instanceof StoreObjectService ? service.repo : undefined;
  }

  private get immutable(): boolean {
    return this.spec.receive === 'post';
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

  private parse(json: unknown, version: OcpiVersion, context?: CodecContextExt): CanonicalObjects[M] {
    const parsed = parseCanonical(this.spec, version, json, context);
    if (!parsed.ok)
      throw OcpiError.invalid(`invalid ${this.spec.objectName}: ${describeIssues(parsed.errors)}`);
    return parsed.value;
  }

  /**
   * Creates or replaces one of our objects, given in a version's shape (default: canonical
   * 2.3.0; a 2.1.1 shape needs the owner, and for a Session or CDR the token's owner
   * `emsp`, in `context`). For immutable objects (CDRs) this is post().
   */
  put(object: CanonicalObjects[M]): Promise<CanonicalObjects[M]>;
  /** put() of JSON in a version's shape, read by that version's schema and codec. */
  put(json: JsonValue, version: OcpiVersion, context?: CodecContextExt): Promise<CanonicalObjects[M]>;
  async put(
    json: JsonValue,
    version: OcpiVersion = '2.3.0',
    context?: CodecContextExt,
  ): Promise<CanonicalObjects[M]> {
    return this.commit(await this.stagePut(json, version, context));
  }

  /** put(), checked and ready to be written in the caller's transaction (see StagedWrite). */
  stagePut(object: CanonicalObjects[M]): Promise<StagedWrite<CanonicalObjects[M]>>;
  stagePut(
    json: JsonValue,
    version: OcpiVersion,
    context?: CodecContextExt,
  ): Promise<StagedWrite<CanonicalObjects[M]>>;
  async stagePut(
    json: JsonValue,
    version: OcpiVersion = '2.3.0',
    context?: CodecContextExt,
  ): Promise<StagedWrite<CanonicalObjects[M]>> {
    if (this.immutable) return this.stagePost(json, version, context);
    const object = this.parse(json, version, context);
    const ref = this.checkOwnParty(object);
    const change: Change = { ref, path: [], method: 'PUT', body: object, whole: object, root: object };
    return this.stage(ref, object, change, object);
  }

  /**
   * Creates one of our immutable objects (a CDR) and POSTs it to the partner it is meant
   * for. Refused (2001) when one with its id exists: corrections go in a new, credit CDR.
   */
  post(object: CanonicalObjects[M]): Promise<CanonicalObjects[M]>;
  /** post() of JSON in a version's shape, read by that version's schema and codec. */
  post(json: JsonValue, version: OcpiVersion, context?: CodecContextExt): Promise<CanonicalObjects[M]>;
  async post(
    json: JsonValue,
    version: OcpiVersion = '2.3.0',
    context?: CodecContextExt,
  ): Promise<CanonicalObjects[M]> {
    return this.commit(await this.stagePost(json, version, context));
  }

  /** post(), checked and ready to be written in the caller's transaction (see StagedWrite). */
  stagePost(object: CanonicalObjects[M]): Promise<StagedWrite<CanonicalObjects[M]>>;
  stagePost(
    json: JsonValue,
    version: OcpiVersion,
    context?: CodecContextExt,
  ): Promise<StagedWrite<CanonicalObjects[M]>>;
  async stagePost(
    json: JsonValue,
    version: OcpiVersion = '2.3.0',
    context?: CodecContextExt,
  ): Promise<StagedWrite<CanonicalObjects[M]>> {
    if (!this.immutable)
      throw OcpiError.methodNotAllowed(`${this.spec.objectName}s are not created by POST; use put()`);
    const object = this.parse(json, version, context);
    const ref = this.checkOwnParty(object);
    const change: Change = { ref, path: [], method: 'POST', body: object, whole: object, root: object };
    const messages = await this.messages(change);
    const repo = this.repo;
    const lastUpdated = new Date(String(object.last_updated));
    return {
      object,
      apply: async (trx) => {
        if (
          repo &&
          !(await repo.insert(this.key(ref), object, lastUpdated, trx, audienceOf(this.spec, object)))
        )
          throw OcpiError.invalid(`${this.spec.objectName} ${ref.id} already exists and cannot be replaced`);
        for (const m of messages) await enqueue(trx, m);
        return object;
      },
    };
  }

  /**
   * Changes fields of one of our objects or of a child (e.g. an EVSE's status), and
   * pushes a PATCH with the fields that changed (a PUT of the whole child to 2.1.1
   * partners, which may not PATCH). Lists the spec appends on PATCH (a Session's
   * `charging_periods`) are extended, not replaced: give the new items, or the whole
   * list with the new items at its end; the PATCH carries only the new items.
   */
  async patch(ref: ObjectRef, path: string[], fields: CanonicalObject): Promise<CanonicalObject> {
    for (;;) {
      try {
        return await this.commit(await this.stagePatch(ref, path, fields));
      } catch (error) {
        if (!(error instanceof OcpiError && error.code === 'OCPI_ERR_RECIPIENTS_CHANGED')) throw error;
      }
    }
  }

  /**
   * patch(), checked and ready to be written in the caller's transaction (see StagedWrite).
   * Applied as a read-modify-write under a row lock: changes made at the same time (two
   * EVSEs' status) wait for each other instead of one writing over the other. Throws
   * OCPI_ERR_RECIPIENTS_CHANGED when what a partner's version needs looked up may have changed with
   * the object since it was staged (patch() stages again then).
   */
  async stagePatch(ref: ObjectRef, path: string[], fields: CanonicalObject): Promise<StagedWrite> {
    if (this.immutable)
      throw OcpiError.methodNotAllowed(`${this.spec.objectName}s cannot be changed; send a new one`);
    const repo = this.requireRepo();
    const key = this.key(ref);
    assertSameIdentity(fields, identityAt(this.spec, ref, path, { owner: true, subtype: true }));
    // Who gets the change, and what rendering it needs, is looked up before the
    // transaction (see recipients()), from the object as it is now; a bad change fails here.
    const seen = await repo.get(key);
    const preview = this.patched(ref, seen?.data, path, fields);
    const recipients = await this.recipients(preview.root);
    return {
      object: preview.whole,
      apply: async (trx) => {
        const stored = await repo.getForUpdate(key, trx);
        if (this.spec.renderContext && !isDeepStrictEqual(stored?.data, seen?.data))
          throw new OcpiError(
            'OCPI_ERR_RECIPIENTS_CHANGED',
            'the object changed while its PATCH was staged: stage it again',
          );
        const change = this.patched(ref, stored?.data, path, fields);
        const root = change.root;
        await repo.put(key, root, new Date(String(root.last_updated)), trx, audienceOf(this.spec, root));
        for (const m of this.messagesTo(recipients, change)) await enqueue(trx, m);
        return change.whole;
      },
    };
  }

  /** A PATCH of our object (or of a child) applied to it as stored: the change it makes. */
  private patched(
    ref: ObjectRef,
    stored: CanonicalObject | undefined,
    path: string[],
    fields: CanonicalObject,
  ): Change & { whole: CanonicalObject; root: CanonicalObject } {
    const current = stored && findAt(stored, this.spec.children, path);
    if (!stored || !current)
      throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown ${this.objectNameAt(path)}`, {
        statusCode: this.spec.unknownStatus,
      });
    const lastUpdated =
      typeof fields.last_updated === 'string'
        ? fields.last_updated
        : formatDateTime(new Date(this.node.clock.now()));
    const changed: CanonicalObject = { ...fields, last_updated: lastUpdated };
    const added: Record<string, unknown[]> = {};
    for (const field of path.length === 0 ? (this.spec.appendOnPatch ?? []) : []) {
      if (!(field in fields)) continue;
      const items = newItems(current[field], fields[field]);
      added[field] = items;
      changed[field] = [...(Array.isArray(current[field]) ? current[field] : []), ...items];
    }
    const objectName = this.objectNameAt(path);
    const parsed = parseObject('2.3.0', objectName, { ...current, ...changed });
    if (!parsed.ok) throw OcpiError.invalid(`invalid ${objectName}: ${describeIssues(parsed.errors)}`);
    const whole = parsed.value;
    // The parent of `current` exists, so the root always has a place for it.
    const root = replaceAt(stored, this.spec.children, path, whole, lastUpdated);
    if (!root) throw new OcpiError(this.spec.unknownStatus, `unknown ${this.objectNameAt(path)}`);
    return {
      ref,
      path,
      method: 'PATCH',
      body: changed,
      whole,
      before: current,
      appended: added,
      root,
    };
  }

  /** Deletes one of our objects (Tariffs: modules whose receivers accept DELETE) and tells the partners. */
  async delete(ref: ObjectRef): Promise<boolean> {
    if (!this.spec.delete)
      throw OcpiError.methodNotAllowed(`${this.spec.objectName}s are never deleted in OCPI`);
    const repo = this.requireRepo();
    const stored = await repo.get(this.key(ref));
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
  get(id: string, subtype?: string): Promise<CanonicalObjects[M] | undefined> {
    return this.service.getOwn(id, subtype);
  }

  /** Our objects, a page at a time, oldest first. */
  list(query: Partial<OwnListQuery> = {}): Promise<OwnPage<CanonicalObjects[M]>> {
    return this.service.listOwn({ offset: 0, limit: 100, ...query });
  }

  /** What a partner pushed to us (or we pulled from it). */
  received(partnerId: string, ref: ObjectRef): Promise<CanonicalObjects[M] | undefined> {
    return this.service.getReceived(partnerId, ref);
  }

  /** What a partner pushed to us (or we pulled from it), a page at a time, oldest first. */
  listReceived(partnerId: string, query: Partial<OwnListQuery> = {}): Promise<OwnPage<CanonicalObjects[M]>> {
    return this.service.listReceived(partnerId, { offset: 0, limit: 100, ...query });
  }

  private objectNameAt(path: string[]): string {
    return path.length === 0
      ? this.spec.objectName
      : (this.spec.children[path.length - 1]?.objectName ?? this.spec.objectName);
  }

  private requireRepo() {
    const repo = this.repo;
    if (!repo)
      throw new OcpiError(
        'OCPI_ERR_NOT_SUPPORTED',
        `${this.spec.id}: a custom service keeps its own data; call push() after changing it`,
      );
    return repo;
  }

  /** The write of `root` (changed as `change` says) and of its outbox rows. */
  private async stage<T extends CanonicalObject>(
    ref: ObjectRef,
    root: CanonicalObject,
    change: Change,
    object: T,
  ): Promise<StagedWrite<T>> {
    const repo = this.repo;
    const messages = await this.messages(change);
    const audience = audienceOf(this.spec, root);
    return {
      object,
      apply: async (trx) => {
        await repo?.put(this.key(ref), root, new Date(String(root.last_updated)), trx, audience);
        for (const m of messages) await enqueue(trx, m);
        return object;
      },
    };
  }

  /** Writes a staged change in a transaction of its own, and starts its delivery. */
  private async commit<T extends CanonicalObject>(staged: StagedWrite<T>): Promise<T> {
    const written = await this.node.store.db.transaction().execute((trx) => staged.apply(trx));
    this.wake();
    return written;
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
   * The PUT of the whole object, as it is now, that replaces a push of it the partner
   * refused (a PATCH of an object it does not know): for the delivery worker. Undefined
   * when the push is not one of this module's, or the object is gone, or the partner no
   * longer gets it.
   */
  async wholeObject(entry: OutboxEntry): Promise<OutboxMessage | undefined> {
    const key = entry.kind === 'push' ? parsePushKey(entry.orderingKey) : undefined;
    if (!key || key.module !== this.spec.id || this.immutable) return undefined;
    const { ref } = key;
    const [partner, root] = await Promise.all([
      this.node.registry.get(entry.partnerId),
      this.service.getOwn(ref.id, ref.subtype),
    ]);
    // getOwn() looks in all our parties: the object of this key's party only.
    const sameOwner =
      String(root?.country_code ?? '').toUpperCase() === ref.countryCode &&
      String(root?.party_id ?? '').toUpperCase() === ref.partyId;
    if (!partner || !root || !sameOwner) return undefined;
    const change: Change = { ref, path: [], method: 'PUT', body: root, whole: root, root };
    if (!this.receives(partner, change)) return undefined;
    const lookup = this.spec.renderContext;
    const extra = lookup ? await lookup(this.node, partner.version as OcpiVersion, [root]) : {};
    return this.messageFor(partner, change, extra);
  }

  /**
   * One message per partner that receives the module (or only for the partner the object
   * is meant for).
   */
  private async messages(change: Change): Promise<OutboxMessage[]> {
    return this.messagesTo(await this.recipients(change.root), change);
  }

  /**
   * The partners and what rendering the root for their versions needs: looked up before
   * the transaction, as PGlite has a single connection and nothing outside the
   * transaction may query inside it.
   */
  private async recipients(root: CanonicalObject | undefined): Promise<Recipients> {
    const partners = await this.node.registry.list();
    const extras = new Map<string, CodecContextExt>();
    const lookup = this.spec.renderContext;
    if (lookup && root) {
      for (const version of new Set(partners.map((p) => p.version)))
        extras.set(version, await lookup(this.node, version as OcpiVersion, [root]));
    }
    return { partners, extras };
  }

  private messagesTo({ partners, extras }: Recipients, change: Change): OutboxMessage[] {
    return partners
      .filter((p) => this.receives(p, change))
      .map((p) => this.messageFor(p, change, extras.get(p.version) ?? {}))
      .filter((m): m is OutboxMessage => m !== undefined);
  }

  /** The party of a partner a change goes to, if the partner gets it at all. */
  private recipient(partner: Partner, change: Change) {
    if (this.spec.pushTo === 'audience') {
      const audience = audienceOf(this.spec, change.root ?? {});
      return audience ? partner.parties.find((p) => partyKey(p) === audience) : undefined;
    }
    return partner.parties.find((p) => this.spec.receiverRoles.some((role) => role === p.role));
  }

  private receives(partner: Partner, change: Change): boolean {
    return (
      partner.status === 'registered' &&
      this.recipient(partner, change) !== undefined &&
      partnerEndpoint(partner, this.spec.id, 'RECEIVER') !== undefined
    );
  }

  private messageFor(partner: Partner, change: Change, extra: CodecContextExt): OutboxMessage | undefined {
    const endpoint = partnerEndpoint(partner, this.spec.id, 'RECEIVER');
    if (!endpoint) return undefined;
    const version = partner.version as OcpiVersion;
    const { ref, path } = change;
    const withRoles = hasInterfaceRoles(version);
    const query =
      withRoles && this.spec.subtype && ref.subtype ? { [this.spec.subtype.query]: ref.subtype } : undefined;
    const url =
      change.method === 'POST'
        ? endpoint.url
        : receiverObjectUrl(endpoint, [ref.countryCode, ref.partyId, ref.id, ...path], query);
    const context = { countryCode: ref.countryCode, partyId: ref.partyId };
    const objectName = this.objectNameAt(path);
    let method = change.method;
    let body: unknown;
    const root = change.root ?? {};
    const render = (object: CanonicalObject | undefined) =>
      renderFor(version, objectName, object ?? {}, root, undefined, extra);
    if (method === 'PATCH' && !withRoles) {
      // 2.1.1 partners get the whole child instead: same effect, and no PATCH shape to translate.
      method = 'PUT';
      body = render(change.whole);
    } else if (method === 'PATCH') {
      body = this.patchBody(change, render);
    } else if (method === 'PUT' || method === 'POST') {
      body = render(change.body);
    }
    // Nothing to send when the version cannot express the object or may not see it.
    if (method !== 'DELETE' && body === undefined) {
      this.node.log.debug(
        { partner: partner.id, module: this.spec.id, id: ref.id },
        'not pushed: not expressible or not visible in the partner version',
      );
      return undefined;
    }
    const to = this.recipient(partner, change) ?? partner.parties[0];
    return {
      partnerId: partner.id,
      orderingKey: pushKey(this.spec.id, ref),
      method,
      url,
      ...(body !== undefined ? { body } : {}),
      kind: 'push',
      ...(withRoles && to
        ? { headers: routingHeadersFor(context, { countryCode: to.countryCode, partyId: to.partyId }) }
        : {}),
    };
  }

  /**
   * The body of a PATCH: the fields that changed (and last_updated), as this version
   * names and shapes them: taken from the whole object rendered through the version's
   * codec, so no canonical-only shape leaks out. Appended lists carry only their new items.
   */
  private patchBody(
    change: Change,
    render: (object: CanonicalObject | undefined) => CanonicalObject | undefined,
  ): CanonicalObject | undefined {
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
