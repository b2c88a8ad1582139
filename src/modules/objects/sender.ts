import type { FastifyInstance } from 'fastify';
import type { OcpiVersion } from '../../model/versions.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { type PaginationOptions, readPageRequest, setPageHeaders } from '../../transport/pagination.ts';
import type { ObjectService } from './service.ts';
import type { ObjectModuleSpec } from './spec.ts';
import { findAt } from './tree.ts';
import { renderFor } from './visibility.ts';

/**
 * The sender interface of a module: the paginated list of our own objects
 * (date_from, date_to, offset, limit; Link, X-Total-Count, X-Limit), and for Locations
 * GET of one Location, EVSE or Connector.
 */
export function senderRoutes(
  app: FastifyInstance,
  version: OcpiVersion,
  spec: ObjectModuleSpec,
  service: ObjectService,
  endpointUrl: () => string,
  paging: Required<PaginationOptions>,
): void {
  app.get('/', async (request, reply) => {
    const page = readPageRequest(request.query as Record<string, unknown>, paging);
    const result = await service.listOwn(page);
    setPageHeaders(reply, request, endpointUrl(), page, result.total, paging.maxLimit, result.cursor);
    // Objects this version cannot express or may not see are left out of the page.
    return envelope(
      result.items.map((o) => renderFor(version, spec.objectName, o)).filter((o) => o !== undefined),
    );
  });

  if (!spec.senderGetOne) return;
  const childParams = spec.children.map((_, i) => `child${i}`);
  for (let depth = 0; depth <= spec.children.length; depth++) {
    const url = `/:id${childParams
      .slice(0, depth)
      .map((c) => `/:${c}`)
      .join('')}`;
    app.get<{ Params: Record<string, string> }>(url, async (request) => {
      const path = childParams.slice(0, depth).map((c) => request.params[c] as string);
      const objectName = depth === 0 ? spec.objectName : (spec.children[depth - 1]?.objectName as string);
      const root = await service.getOwn(request.params.id as string);
      const found = root && findAt(root, spec.children, path);
      const rendered = root && found ? renderFor(version, objectName, found, root) : undefined;
      if (rendered === undefined)
        throw new OcpiError(spec.unknownStatus, `unknown ${objectName}`, { httpStatus: 404 });
      return envelope(rendered);
    });
  }
}
