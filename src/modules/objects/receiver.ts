import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.ts';
import type { CodecContextExt } from '../../model/codecs/index.ts';
import { formatDateTime } from '../../model/datetime.ts';
import { isJsonObject } from '../../model/json.ts';
import { parseObject, renderObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { Partner } from '../../partners/types.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { appended } from './append.ts';
import { isOlder, later } from './freshness.ts';
import { assertSameIdentity, identityAt, withoutIdentity } from './identity.ts';
import { assertPartnerParty } from './parties.ts';
import { idParamNames, receiverPostSchema, receiverSchema, UNDOCUMENTED } from './route-schemas.ts';
import type { CanonicalObject, ObjectRef, ObjectService } from './service.ts';
import { endpointSegment, type ObjectModuleSpec, objectNameAt } from './spec.ts';
import { findAt, replaceAt } from './tree.ts';

/** The path parameters of a receiver URL: the owner, then the id of each level (see route-schemas.ts). */
interface Params {
  country_code: string;
  party_id: string;
  [id: string]: string;
}

function partnerOf(request: FastifyRequest): Partner {
  const caller = request.ocpi.caller;
  if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
  return caller.partner;
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
  return parsed.value;
}

/** What the receiver needs besides the spec and the service. */
export interface ReceiverOptions {
  /** The public URL of this receiver endpoint: where POSTed objects can be read back. */
  endpointUrl: () => string;
  /** Codec context added when reading partners' objects (e.g. who a 2.1.1 Session's token belongs to). */
  context?: CodecContextExt;
  /** Told after every stored write, with the whole object as it is now stored. */
  onReceived?: (partnerId: string, object: CanonicalObject) => void;
  /** The time of a write that carries no last_updated. */
  clock: Clock;
}

/** JSON with sorted keys: two objects are the same whatever order the store gave their keys. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The object a receiver URL names: its ref, its path of child ids, its name and its identity fields. */
interface Target {
  ref: ObjectRef;
  path: string[];
  objectName: string;
  identity: Record<string, string>;
}

/** What every receiver route of one module and version shares. */
interface Receiver {
  version: OcpiVersion;
  spec: ObjectModuleSpec;
  service: ObjectService;
  options: ReceiverOptions;
  /** Codec context for the partner's objects. */
  extra: CodecContextExt;
  /** Named after what they hold (location_id, evse_uid), so errors about them say so. */
  idParam: string;
  childParams: string[];
  target: (request: { params: Params; query: Partial<Record<string, string>> }) => Target;
  unknown: (what: string, httpStatus?: number) => OcpiError;
}

function receiverOf(
  version: OcpiVersion,
  spec: ObjectModuleSpec,
  service: ObjectService,
  options: ReceiverOptions,
): Receiver {
  const [idParam = 'id', ...childParams] = idParamNames(spec);
  const withRoles = hasInterfaceRoles(version);
  // 2.1.1 keys tokens by uid alone; `?type=` arrived with 2.2.
  const subtypeSpec = withRoles ? spec.subtype : undefined;

  const target = (request: { params: Params; query: Partial<Record<string, string>> }): Target => {
    const p = request.params;
    const query = request.query;
    const subtype = subtypeSpec
      ? String(query[subtypeSpec.query] ?? subtypeSpec.default).toUpperCase()
      : undefined;
    const ref: ObjectRef = {
      countryCode: p.country_code.toUpperCase(),
      partyId: p.party_id.toUpperCase(),
      id: p[idParam] ?? '',
      ...(subtype ? { subtype } : {}),
    };
    const path = childParams.map((c) => p[c]).filter((v): v is string => v !== undefined);
    const objectName = objectNameAt(spec, path);
    const identity = identityAt(spec, ref, path, { owner: withRoles, subtype: subtypeSpec !== undefined });
    return { ref, path, objectName, identity };
  };

  // GET of a missing object answers HTTP 404 (as the spec allows); writes answer 200 with the OCPI status.
  const unknown = (what: string, httpStatus = 200) =>
    new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown ${what}`, {
      statusCode: spec.unknownStatus,
      httpStatus,
    });

  return {
    version,
    spec,
    service,
    options,
    extra: options.context ?? {},
    idParam,
    childParams,
    target,
    unknown,
  };
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
  const rx = receiverOf(version, spec, service, options);
  const posted = spec.receive === 'post';
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  for (let depth = 0; depth <= spec.children.length; depth++) {
    const params = [rx.idParam, ...rx.childParams.slice(0, depth)].map((p) => `/:${p}`).join('');
    const segment = endpointSegment(spec)
      .map((s) => `/${s}`)
      .join('');
    const url = `/:country_code/:party_id${segment}${params}`;
    const schema = (method: 'get' | 'put' | 'patch' | 'delete') =>
      receiverSchema(version, spec, depth, method);

    routes.get(url, { schema: schema('get') }, async (request) =>
      getObject(rx, partnerOf(request), rx.target(request)),
    );
    if (posted) continue;
    routes.put(url, { schema: schema('put') }, async (request) =>
      putObject(rx, partnerOf(request), rx.target(request), request.body),
    );
    if (spec.patch(version)) {
      routes.patch(url, { schema: schema('patch') }, async (request) =>
        patchObject(rx, partnerOf(request), rx.target(request), request.body),
      );
    }
  }

  if (posted) {
    postRoute(app, version, spec, service, options);
    return;
  }

  if (spec.delete) {
    routes.delete(
      `/:country_code/:party_id/:${rx.idParam}`,
      { schema: receiverSchema(version, spec, 0, 'delete') },
      async (request) => deleteObject(rx, partnerOf(request), rx.target(request)),
    );
  }
}

async function getObject(rx: Receiver, partner: Partner, { ref, path, objectName }: Target) {
  const root = await rx.service.getReceived(partner.id, ref);
  const found = root && findAt(root, rx.spec.children, path);
  if (!found) throw rx.unknown(objectName, 404);
  return envelope(renderObject(rx.version, objectName, found, { context: ref }));
}

/** A PUT: an older object than the one stored is acknowledged and not applied (see isOlder). */
async function putObject(rx: Receiver, partner: Partner, target: Target, body: unknown) {
  const { spec, service, options } = rx;
  const { ref, path, objectName, identity } = target;
  assertPartnerParty(partner, ref.countryCode, ref.partyId);
  const object = parseOrThrow(rx.version, objectName, body, ref, rx.extra);
  assertSameIdentity(object, identity);
  const lastUpdated = String(object.last_updated ?? formatDateTime(new Date(options.clock.now())));
  if (path.length === 0) {
    if (await service.putReceived(partner.id, ref, object, new Date(lastUpdated)))
      options.onReceived?.(partner.id, object);
    return envelope(undefined);
  }
  // An EVSE or Connector is compared with its own stored time, not its Location's: the
  // Location's is the latest of all its children's, and a change to one EVSE is not
  // older for being sent after a change to another.
  const result = await service.updateReceived(partner.id, ref, (root) => {
    const stored = findAt(root, spec.children, path);
    if (stored && isOlder(object, stored)) return undefined;
    const next = replaceAt(root, spec.children, path, object, lastUpdated);
    if (!next) throw rx.unknown(spec.children[path.length - 2]?.objectName ?? spec.objectName);
    return next;
  });
  if (!result) throw rx.unknown(spec.objectName);
  if (result.changed) options.onReceived?.(partner.id, result.object);
  return envelope(undefined);
}

async function patchObject(rx: Receiver, partner: Partner, target: Target, body: unknown) {
  const { version, spec, options } = rx;
  const { ref, path, objectName, identity } = target;
  assertPartnerParty(partner, ref.countryCode, ref.partyId);
  const patch = parseObject(version, objectName, body, { shape: 'patch' });
  if (!patch.ok) throw OcpiError.invalid(`invalid ${objectName} PATCH: ${describeIssues(patch.errors)}`);
  const changes = patch.value;
  // Identity comes from the URL: a PATCH may repeat it, never change it.
  assertSameIdentity(changes, identity);
  const result = await rx.service.updateReceived(partner.id, ref, (root) => {
    const current = findAt(root, spec.children, path);
    if (!current) throw rx.unknown(objectName);
    // Compared with the time of the object the PATCH is on: the Location's own for a
    // Location PATCH (it is also the latest of its children's, the only time the
    // Location's own fields have), the EVSE's or Connector's for theirs (as for PUT).
    if (isOlder(changes, current)) return undefined;
    const object = patched(rx, target, current, changes);
    return replaceAt(root, spec.children, path, object, String(object.last_updated));
  });
  if (!result) throw rx.unknown(objectName);
  if (result.changed) options.onReceived?.(partner.id, result.object);
  return envelope(undefined);
}

/**
 * The stored object with a PATCH's changes merged in the partner's version, then read back
 * whole: a PATCH can never leave an object that the full schema would refuse.
 */
function patched(rx: Receiver, target: Target, current: CanonicalObject, changes: CanonicalObject) {
  const { ref, path, objectName, identity } = target;
  const before = renderObject(rx.version, objectName, current, { context: ref });
  const merged = { ...before, ...withoutIdentity(changes, identity) };
  for (const field of path.length === 0 ? (rx.spec.appendOnPatch ?? []) : []) {
    if (field in changes) merged[field] = appended(before[field], changes[field]);
  }
  // A PATCH without last_updated (2.1.1 asks for none) is applied as a change made
  // now, without taking the object's time back if it says later.
  if (changes.last_updated === undefined)
    merged.last_updated = later(current.last_updated, formatDateTime(new Date(rx.options.clock.now())));
  return parseOrThrow(rx.version, objectName, merged, ref, rx.extra);
}

async function deleteObject(rx: Receiver, partner: Partner, { ref }: Target) {
  assertPartnerParty(partner, ref.countryCode, ref.partyId);
  if (!(await rx.service.deleteReceived(partner.id, ref))) throw rx.unknown(rx.spec.objectName);
  return envelope(undefined);
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
): void {
  const hasOwner = hasInterfaceRoles(version);
  app.post('/', { schema: receiverPostSchema(version, spec) }, async (request, reply) => {
    const partner = partnerOf(request);
    const sender = partner.parties.find((p) => p.role === spec.ownerRole) ?? partner.parties[0];
    const context: CodecContextExt = {
      ...options.context,
      ...(!hasOwner && sender ? { countryCode: sender.countryCode, partyId: sender.partyId } : {}),
    };
    const parsed = parseObject(version, spec.objectName, request.body, { context });
    if (!parsed.ok) throw OcpiError.invalid(`invalid ${spec.objectName}: ${describeIssues(parsed.errors)}`);
    const object = parsed.value;
    const ref: ObjectRef = {
      countryCode: String(object.country_code ?? '').toUpperCase(),
      partyId: String(object.party_id ?? '').toUpperCase(),
      id: String(object[spec.idField]),
    };
    assertPartnerParty(partner, ref.countryCode, ref.partyId);
    const lastUpdated = new Date(
      String(object.last_updated ?? formatDateTime(new Date(options.clock.now()))),
    );
    const created = await service.createReceived(partner.id, ref, object, lastUpdated);
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
  for (const url of ['/', `/:country_code/:party_id/:${idParamNames(spec)[0]}`])
    app.route({ method: ['PUT', 'PATCH', 'DELETE'], url, schema: UNDOCUMENTED, handler: immutable });
}
