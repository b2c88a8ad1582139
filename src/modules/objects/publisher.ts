import { isDeepStrictEqual } from 'node:util';
import { enqueueMany, type OutboxEntry, type OutboxMessage } from '../../delivery/outbox.ts';
import type { CodecContextExt } from '../../model/codecs/index.ts';
import type { JsonValue } from '../../model/json.ts';
import { describeIssues } from '../../model/validate.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { GroupCommit } from '../../store/group-commit.ts';
import type { ObjectRepository } from '../../store/object-repository.ts';
import { OcpiError } from '../../transport/errors.ts';
import { type CanonicalObjects, fieldsOf, type ObjectModuleId, parseCanonical } from './canonical.ts';
import { type Change, patchedChange, wholeChange } from './change.ts';
import { assertSameIdentity, identityAt } from './identity.ts';
import { PushMessages } from './push-messages.ts';
import {
  type CanonicalObject,
  type ObjectRef,
  type ObjectService,
  OWN,
  type OwnListQuery,
  type OwnPage,
  StoreObjectService,
} from './service.ts';
import { audienceOf, type ObjectModuleSpec } from './spec.ts';
import { enqueueOrCollect, rowWrite, type StagedWrite, writeBatch } from './staged-writes.ts';

export type { RowChange, StagedWrite } from './staged-writes.ts';
export type { Change };

/** What the API offers of immutable objects (CDRs): created once, never changed. */
export type ImmutablePublisher<M extends ObjectModuleId = ObjectModuleId> = Pick<
  Publisher<M>,
  'post' | 'get' | 'list' | 'received' | 'listReceived' | 'push'
>;

/** The pushes of whole objects to recipients looked up before a transaction (see Publisher.stageWholePush). */
export interface WholePushes<T> {
  /** The outbox messages of a PUT of `object`, to enqueue in the caller's transaction. */
  messages(object: T): OutboxMessage[];
}

/**
 * Our own objects: writes go to the store and, in the same transaction, one outbox row
 * per partner that receives the module (or, for objects with an audience, the partner
 * they are meant for), so every such partner gets every change, in order, even across
 * restarts; a partner that is behind on an object gets only the newest of the changes
 * queued for it (see OutboxMessage.coalesce). Concurrent writes are group-committed.
 */
export class Publisher<M extends ObjectModuleId = ObjectModuleId> {
  /** The outbox messages that carry our changes to the partners. */
  private readonly pushes: PushMessages<M>;
  /** Changes staged while a commit runs go together in the next one: one transaction, one wake. */
  private readonly commits: GroupCommit<StagedWrite, CanonicalObject>;

  constructor(
    private readonly node: OcpiNode,
    private readonly spec: ObjectModuleSpec<M>,
    private readonly wake: () => void,
  ) {
    this.pushes = new PushMessages(node, spec);
    this.commits = new GroupCommit(async (batch) => {
      const written = await node.store.db.transaction().execute((trx) => writeBatch(trx, this.repo, batch));
      this.wake();
      return written;
    }, 100);
  }

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
    const change = wholeChange(ref, 'PUT', object);
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
    const change = wholeChange(ref, 'POST', object);
    const messages = await this.pushes.of(change);
    const repo = this.repo;
    const lastUpdated = new Date(String(object.last_updated));
    return {
      object,
      apply: async (trx, outbox) => {
        if (
          repo &&
          !(await repo.insert(this.key(ref), object, lastUpdated, trx, audienceOf(this.spec, object)))
        )
          throw OcpiError.invalid(`${this.spec.objectName} ${ref.id} already exists and cannot be replaced`);
        await enqueueOrCollect(trx, messages, outbox);
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
    // Who gets the change, and what rendering it needs, is looked up before the transaction
    // (see PushMessages.recipients()), from the object as it is now; a bad change fails here.
    const seen = await repo.read(key);
    const preview = patchedChange(this.spec, ref, seen?.data, path, fields, this.node.clock.now());
    const recipients = await this.pushes.recipients(preview.root);
    return rowWrite(repo, preview.whole, {
      key,
      reads: true,
      decide: (stored) => {
        if (this.spec.renderContext && !isDeepStrictEqual(stored, seen?.data))
          throw new OcpiError(
            'OCPI_ERR_RECIPIENTS_CHANGED',
            'the object changed while its PATCH was staged: stage it again',
          );
        const change = patchedChange(this.spec, ref, stored, path, fields, this.node.clock.now());
        const root = change.root;
        return {
          root,
          audience: audienceOf(this.spec, root),
          messages: this.pushes.to(recipients, change),
          result: change.whole,
        };
      },
    });
  }

  /** Deletes one of our objects (Tariffs: modules whose receivers accept DELETE) and tells the partners. */
  async delete(ref: ObjectRef): Promise<boolean> {
    if (!this.spec.delete)
      throw OcpiError.methodNotAllowed(`${this.spec.objectName}s are never deleted in OCPI`);
    const repo = this.requireRepo();
    const stored = await repo.get(this.key(ref));
    if (!stored) return false;
    const messages = await this.pushes.of({ ref, path: [], method: 'DELETE', root: stored.data });
    await this.node.store.db.transaction().execute(async (trx) => {
      await repo.delete(this.key(ref), trx);
      await enqueueMany(trx, messages);
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
    const messages = await this.pushes.of(change);
    const audience = audienceOf(this.spec, root);
    return rowWrite(this.repo, object, {
      key: this.key(ref),
      reads: false,
      decide: () => ({ root, audience, messages, result: object }),
    });
  }

  /**
   * Writes a staged change, and starts its delivery: in one transaction with the others
   * staged meanwhile (group commit). A batch that fails is written again change by change,
   * so a change that cannot be written fails alone.
   */
  private async commit<T extends CanonicalObject>(staged: StagedWrite<T>): Promise<T> {
    const written = (await this.commits.add(staged)) as T;
    // For whoever watches our objects change (the console's live stream).
    this.node.events.emit('published', { module: this.spec.id, object: written });
    return written;
  }

  /** Pushes a change made in a custom service (one that keeps its own data). */
  async push(change: Change): Promise<void> {
    const messages = await this.pushes.of(change);
    await this.node.store.db.transaction().execute(async (trx) => {
      await enqueueMany(trx, messages);
    });
    this.wake();
  }

  /**
   * For objects a module keeps outside our object store (our Bookings, in their own
   * table): the recipients of objects like `like` are looked up now, before the caller's
   * transaction (PGlite has one connection), and `messages` gives the outbox
   * messages of a PUT of the whole object, for the caller to enqueue in that transaction.
   */
  async stageWholePush(like: CanonicalObjects[M]): Promise<WholePushes<CanonicalObjects[M]>> {
    const recipients = await this.pushes.recipients(like);
    return {
      messages: (object) => {
        const ref: ObjectRef = {
          countryCode: String(object.country_code ?? '').toUpperCase(),
          partyId: String(object.party_id ?? '').toUpperCase(),
          id: String(fieldsOf(object)[this.spec.idField]),
        };
        return this.pushes.to(recipients, wholeChange(ref, 'PUT', object));
      },
    };
  }

  /** For the delivery worker: the PUT of the whole object that replaces a refused push (see PushMessages). */
  wholeObject(entry: OutboxEntry): Promise<OutboxMessage | undefined> {
    return this.pushes.wholeObject(entry);
  }
}
