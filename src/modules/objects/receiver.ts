import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CodecContextExt } from '../../model/codecs/index.ts';
import { parseObject, renderObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { Partner } from '../../partners/types.ts';
import { formatDateTime } from '../../transport/datetime.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { appended } from './append.ts';
import { assertPartnerParty, assertSameIdentity } from './parties.ts';
import type { CanonicalObject, ObjectRef, ObjectService } from './service.ts';
import type { ObjectModuleSpec } from './spec.ts';
import { findAt, replaceAt } from './tree.ts';

interface Params {
  country_code: string;
  party_id: string;
  id: string;
  [child: string]: string;
}

function partnerOf(request: FastifyRequest): Partner {
  const caller = request.ocpi.caller;
  if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
  return caller.partner;
}

/** Serialises read-modify-write per object within this process. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

function parseOrThrow(
  version: OcpiVersion,
  objectName: string,
  json: unknown,
  ref: ObjectRef,
  extra: CodecContextExt = {},
): CanonicalObject {
  const parsed = parseObject(version, objectName, json, {
    context: { ...extra, countryCode: ref.countryCode, partyId: ref.partyId },
  });
  if (!parsed.ok) throw OcpiError.invalid(`invalid ${objectName}: ${describeIssues(parsed.errors)}`);
  return parsed.value as CanonicalObject;
}

/** What the receiver needs besides the spec and the service. */
export interface ReceiverOptions {
  /** The public URL of this receiver endpoint: where POSTed objects can be read back. */
  endpointUrl: () => string;
  /** Codec context added when reading partners' objects (e.g. who a 2.1.1 Session's token belongs to). */
  context?: CodecContextExt;
  /** Told after every stored write, with the whole object as it is now stored. */
  onReceived?: (partnerId: string, object: CanonicalObject) => void;
}

/** JSON with sorted keys: two objects are the same whatever order the store gave their keys. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The receiver interface of a module of client-owned objects:
 * GET/PUT/PATCH[/DELETE] {base}/{country_code}/{party_id}/{id}[/{child ids}...];
 * for modules that `receive: 'post'` (CDRs), POST {base} and GET at the URL it answers.
 */
export function receiverRoutes(
  app: FastifyInstance,
  version: OcpiVersion,
  spec: ObjectModuleSpec,
  service: ObjectService,
  options: ReceiverOptions,
): void {
  const lock = new KeyedLock();
  const extra = options.context ?? {};
  const appendFields = spec.appendOnPatch ?? [];
  const posted = spec.receive === 'post';
  const childParams = spec.children.map((_, i) => `child${i}`);
  const checkParties = hasInterfaceRoles(version);
  // 2.1.1 keys tokens by uid alone; `?type=` arrived with 2.2.
  const subtypeSpec = hasInterfaceRoles(version) ? spec.subtype : undefined;

  const target = (request: FastifyRequest<{ Params: Params }>) => {
    const p = request.params;
    const query = request.query as Record<string, unknown>;
    const subtype = subtypeSpec
      ? String(query[subtypeSpec.query] ?? subtypeSpec.default).toUpperCase()
      : undefined;
    const ref: ObjectRef = {
      countryCode: p.country_code.toUpperCase(),
      partyId: p.party_id.toUpperCase(),
      id: p.id,
      ...(subtype ? { subtype } : {}),
    };
    const path = childParams.map((c) => p[c]).filter((v): v is string => v !== undefined);
    const objectName =
      path.length === 0 ? spec.objectName : (spec.children[path.length - 1]?.objectName as string);
    return { ref, path, objectName };
  };

  // GET of a missing object answers HTTP 404 (as the spec allows); writes answer 200 with the OCPI status.
  const unknown = (what: string, httpStatus = 200) =>
    new OcpiError(spec.unknownStatus, `unknown ${what}`, { httpStatus });

  for (let depth = 0; depth <= spec.children.length; depth++) {
    const url = `/:country_code/:party_id/:id${childParams
      .slice(0, depth)
      .map((c) => `/:${c}`)
      .join('')}`;

    app.get<{ Params: Params }>(url, async (request) => {
      const partner = partnerOf(request);
      const { ref, path, objectName } = target(request);
      const root = await service.getReceived(partner.id, ref);
      const found = root && findAt(root, spec.children, path);
      if (!found) throw unknown(objectName, 404);
      return envelope(renderObject(version, objectName, found, { context: ref }));
    });

    if (posted) continue;

    app.put<{ Params: Params }>(url, async (request) => {
      const partner = partnerOf(request);
      const { ref, path, objectName } = target(request);
      assertPartnerParty(partner, ref.countryCode, ref.partyId);
      const object = parseOrThrow(version, objectName, request.body, ref, extra);
      const level =
        path.length === 0
          ? { idField: spec.idField }
          : (spec.children[path.length - 1] as { idField: string });
      assertSameIdentity(object, {
        [level.idField]: path.length === 0 ? ref.id : (path[path.length - 1] as string),
      });
      if (path.length === 0 && checkParties)
        assertSameIdentity(object, { country_code: ref.countryCode, party_id: ref.partyId });
      if (path.length === 0 && subtypeSpec)
        assertSameIdentity(object, { [subtypeSpec.field]: ref.subtype as string });
      await lock.run(JSON.stringify(ref), async () => {
        const root = path.length === 0 ? undefined : await service.getReceived(partner.id, ref);
        if (path.length > 0 && !root) throw unknown(spec.objectName);
        const lastUpdated = String(object.last_updated ?? formatDateTime(new Date()));
        const next =
          path.length === 0
            ? object
            : replaceAt(root as CanonicalObject, spec.children, path, object, lastUpdated);
        if (!next) throw unknown(spec.children[path.length - 2]?.objectName ?? spec.objectName);
        await service.putReceived(partner.id, ref, next, new Date(String(next.last_updated ?? lastUpdated)));
        options.onReceived?.(partner.id, next);
      });
      return envelope(undefined);
    });

    if (spec.patch(version)) {
      app.patch<{ Params: Params }>(url, async (request) => {
        const partner = partnerOf(request);
        const { ref, path, objectName } = target(request);
        assertPartnerParty(partner, ref.countryCode, ref.partyId);
        const patch = parseObject(version, objectName, request.body, { shape: 'patch' });
        if (!patch.ok)
          throw OcpiError.invalid(`invalid ${objectName} PATCH: ${describeIssues(patch.errors)}`);
        await lock.run(JSON.stringify(ref), async () => {
          const root = await service.getReceived(partner.id, ref);
          const current = root && findAt(root, spec.children, path);
          if (!root || !current) throw unknown(objectName);
          // Merge in the partner's version, then read the whole object back: a PATCH
          // can never leave an object that the full schema would refuse.
          const before = renderObject(version, objectName, current, { context: ref }) as CanonicalObject;
          const changes = patch.value as CanonicalObject;
          const merged = { ...before, ...changes };
          for (const field of path.length === 0 ? appendFields : []) {
            if (field in changes) merged[field] = appended(before[field], changes[field]);
          }
          // A PATCH without last_updated (2.1.1 asks for none) is a change now, not at the old time.
          if (changes.last_updated === undefined) merged.last_updated = formatDateTime(new Date());
          const object = parseOrThrow(version, objectName, merged, ref, extra);
          const lastUpdated = String(object.last_updated);
          const next = replaceAt(root, spec.children, path, object, lastUpdated) as CanonicalObject;
          await service.putReceived(partner.id, ref, next, new Date(String(next.last_updated)));
          options.onReceived?.(partner.id, next);
        });
        return envelope(undefined);
      });
    }
  }

  if (posted) {
    postRoute(app, version, spec, service, options, lock);
    return;
  }

  if (spec.delete) {
    app.delete<{ Params: Params }>('/:country_code/:party_id/:id', async (request) => {
      const partner = partnerOf(request);
      const { ref } = target(request);
      assertPartnerParty(partner, ref.countryCode, ref.partyId);
      if (!(await service.deleteReceived(partner.id, ref))) throw unknown(spec.objectName);
      return envelope(undefined);
    });
  }
}

/**
 * POST {base} with a whole, immutable object (a CDR): stored once under the owner it
 * names (2.1.1 objects name none: the partner's party), answered with HTTP 201 and the
 * `Location` where it can be read back. A second POST of the same id is refused (2001)
 * and the first is kept; objects cannot be replaced, changed or deleted (405).
 */
function postRoute(
  app: FastifyInstance,
  version: OcpiVersion,
  spec: ObjectModuleSpec,
  service: ObjectService,
  options: ReceiverOptions,
  lock: KeyedLock,
): void {
  const hasOwner = hasInterfaceRoles(version);
  app.post('/', async (request, reply) => {
    const partner = partnerOf(request);
    const sender = partner.parties.find((p) => p.role === spec.ownerRole) ?? partner.parties[0];
    const context: CodecContextExt = {
      ...options.context,
      ...(!hasOwner && sender ? { countryCode: sender.countryCode, partyId: sender.partyId } : {}),
    };
    const parsed = parseObject(version, spec.objectName, request.body, { context });
    if (!parsed.ok) throw OcpiError.invalid(`invalid ${spec.objectName}: ${describeIssues(parsed.errors)}`);
    const object = parsed.value as CanonicalObject;
    const ref: ObjectRef = {
      countryCode: String(object.country_code ?? '').toUpperCase(),
      partyId: String(object.party_id ?? '').toUpperCase(),
      id: String(object[spec.idField]),
    };
    assertPartnerParty(partner, ref.countryCode, ref.partyId);
    const lastUpdated = new Date(String(object.last_updated ?? formatDateTime(new Date())));
    const created = await lock.run(JSON.stringify(ref), async () => {
      if (service.createReceived) return service.createReceived(partner.id, ref, object, lastUpdated);
      if (await service.getReceived(partner.id, ref)) return false;
      await service.putReceived(partner.id, ref, object, lastUpdated);
      return true;
    });
    const base = options.endpointUrl().replace(/\/+$/, '');
    const location = `${base}/${[ref.countryCode, ref.partyId, ref.id].map(encodeURIComponent).join('/')}`;
    if (!created) {
      // The same object again is a retry whose answer got lost: answer as the first time.
      const stored = await service.getReceived(partner.id, ref);
      if (stored && stableJson(stored) === stableJson(object))
        return reply.code(200).header('Location', location).send(envelope(undefined));
      throw OcpiError.invalid(
        `${spec.objectName} ${ref.id} of ${ref.countryCode}*${ref.partyId} already exists and cannot be replaced`,
      );
    }
    options.onReceived?.(partner.id, object);
    reply.code(201).header('Location', location);
    return envelope(undefined);
  });

  const immutable = async () => {
    throw OcpiError.methodNotAllowed(`${spec.objectName}s cannot be replaced, changed or deleted`);
  };
  for (const url of ['/', '/:country_code/:party_id/:id'])
    app.route({ method: ['PUT', 'PATCH', 'DELETE'], url, handler: immutable });
}
