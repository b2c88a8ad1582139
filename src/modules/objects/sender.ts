import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { CodecContextExt } from '../../model/codecs/index.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { type PaginationOptions, readPageRequest, setPageHeaders } from '../../transport/pagination.ts';
import { idParamNames, senderGetSchema, senderListSchema } from './route-schemas.ts';
import type { CanonicalObject, ObjectService } from './service.ts';
import { audienceOf, callerAudiences, type ObjectModuleSpec } from './spec.ts';
import { findAt } from './tree.ts';
import { renderFor } from './visibility.ts';

/** What the sender needs besides the spec and the service. */
export interface SenderOptions {
  /** The public URL of this list, for the Link header. */
  endpointUrl: () => string;
  paging: Required<PaginationOptions>;
  /** Codec context for rendering a page of objects (ObjectModuleSpec.renderContext). */
  renderContext?: (objects: CanonicalObject[]) => Promise<CodecContextExt>;
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
  const { paging } = options;
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  routes.get('/', { schema: senderListSchema(version, spec) }, async (request, reply) => {
    const page = readPageRequest(request.query, paging);
    const result = await service.listOwn(
      spec.audience ? { ...page, audiences: callerAudiences(request) } : page,
    );
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
    routes.get(url, { schema: senderGetSchema(version, spec, depth) }, async (request) => {
      const path = childParams.slice(0, depth).map((c) => request.params[c] ?? '');
      const objectName = spec.children[depth - 1]?.objectName ?? spec.objectName;
      let root = await service.getOwn(request.params[idParam] ?? '');
      if (root && spec.audience && !callerAudiences(request).includes(audienceOf(spec, root)))
        root = undefined;
      const found = root && findAt(root, spec.children, path);
      const extra = root && options.renderContext ? await options.renderContext([root]) : {};
      const rendered =
        root && found ? renderFor(version, objectName, found, root, undefined, extra) : undefined;
      if (rendered === undefined)
        throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown ${objectName}`, {
          statusCode: spec.unknownStatus,
          httpStatus: 404,
        });
      return envelope(rendered);
    });
  }
}
