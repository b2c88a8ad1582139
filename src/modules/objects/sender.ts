import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.ts';
import type { CodecContextExt } from '../../model/codecs/index.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import { envelope, JSON_CONTENT_TYPE, successArrayBytes, successBytes } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { type PaginationOptions, readPageRequest, setPageHeaders } from '../../transport/pagination.ts';
import type { RenderedReads } from './rendered-reads.ts';
import { idParamNames, senderGetSchema, senderListSchema } from './route-schemas.ts';
import type { CanonicalObject, ObjectService } from './service.ts';
import { audienceOf, callerAudiences, type ObjectModuleSpec, objectNameAt } from './spec.ts';
import { findAt } from './tree.ts';
import { renderFor } from './visibility.ts';

/** What the sender needs besides the spec and the service. */
export interface SenderOptions {
  /** The public URL of this list, for the Link header. */
  endpointUrl: () => string;
  paging: Required<PaginationOptions>;
  /** Codec context for rendering a page of objects (ObjectModuleSpec.renderContext). */
  renderContext?: (objects: CanonicalObject[]) => Promise<CodecContextExt>;
  /** Answers from JSON rendered once per object (our store's objects), where it can. */
  rendered?: RenderedReads;
  /** Stamps the envelopes answered as JSON text. */
  clock: Clock;
}

/**
 * The sender interface of a module: the paginated list of our own objects
 * (date_from, date_to, offset, limit; Link, X-Total-Count, X-Limit), and for Locations
 * GET of one Location, EVSE or Connector. Objects with an audience (Sessions, CDRs) are
 * listed only to the partner they are meant for.
 */
export function senderRoutes(
  app: FastifyInstance,
  version: OcpiVersion,
  spec: ObjectModuleSpec,
  service: ObjectService,
  options: SenderOptions,
): void {
  const { paging, rendered, clock } = options;
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  routes.get('/', { schema: senderListSchema(version, spec) }, async (request, reply) => {
    const page = readPageRequest(request.query, paging);
    const query = spec.audience ? { ...page, audiences: callerAudiences(request) } : page;
    const json = await rendered?.page(query);
    if (json) {
      setPageHeaders(reply, request, options.endpointUrl(), page, json.total, paging.maxLimit, json.cursor);
      return reply.type(JSON_CONTENT_TYPE).send(successArrayBytes(json.items, clock));
    }
    const result = await service.listOwn(query);
    setPageHeaders(reply, request, options.endpointUrl(), page, result.total, paging.maxLimit, result.cursor);
    const extra = options.renderContext ? await options.renderContext(result.items) : {};
    // Objects this version cannot express or may not see are left out of the page.
    return envelope(
      result.items
        .map((o) => renderFor(version, spec.objectName, o, o, undefined, extra))
        .filter((o) => o !== undefined),
    );
  });

  if (!spec.senderGetOne) return;
  const [idParam = 'id', ...childParams] = idParamNames(spec);
  for (let depth = 0; depth <= spec.children.length; depth++) {
    const url = [idParam, ...childParams.slice(0, depth)].map((p) => `/:${p}`).join('');
    routes.get(url, { schema: senderGetSchema(version, spec, depth) }, async (request, reply) => {
      const path = childParams.slice(0, depth).map((c) => request.params[c] ?? '');
      const objectName = objectNameAt(spec, path);
      const id = request.params[idParam] ?? '';
      const unknown = () =>
        new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown ${objectName}`, {
          statusCode: spec.unknownStatus,
          httpStatus: 404,
        });
      const json = await rendered?.one(id, path, spec.audience ? callerAudiences(request) : undefined);
      if (json === null) throw unknown();
      if (json !== undefined) return reply.type(JSON_CONTENT_TYPE).send(successBytes(json, clock));
      let root = await service.getOwn(id);
      if (root && spec.audience && !callerAudiences(request).includes(audienceOf(spec, root)))
        root = undefined;
      const found = root && findAt(root, spec.children, path);
      const extra = root && options.renderContext ? await options.renderContext([root]) : {};
      const object =
        root && found ? renderFor(version, objectName, found, root, undefined, extra) : undefined;
      if (object === undefined) throw unknown();
      return envelope(object);
    });
  }
}
