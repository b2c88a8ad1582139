import { type TSchema, Type } from '@sinclair/typebox';
import { CiString, DATE_TIME_PATTERN, DateTime, Int, Obj, Opt } from '../model/primitives.ts';

/*
 * The schemas OCPI routes declare to Fastify: the response envelope, the paging query and
 * the party of a receiver URL. Params and querystrings are validated with them (see
 * route-validation.ts); responses and bodies are declared for the OpenAPI document only.
 */

/** Every response: `data` (what the endpoint answers, absent on errors and acknowledgements) and the status. */
export const OcpiResponse = Obj({
  data: Opt(Type.Unknown()),
  status_code: Int(),
  status_message: Opt(Type.String()),
  timestamp: DateTime(),
});

/** The envelope with `data` of the given shape; without one, the bare envelope (acknowledgements). */
export function enveloped(data?: TSchema): TSchema {
  return data ? Type.Intersect([OcpiResponse, Type.Object({ data: Type.Optional(data) })]) : OcpiResponse;
}

/** A header of an answer, as the OpenAPI document describes it. */
export interface DocumentedHeader {
  description: string;
  schema: { type: 'string' | 'integer' };
}

/** How a route appears in the OpenAPI document. Fastify itself never reads it. */
export interface RouteDocumentation {
  operationId: string;
  summary: string;
  /** The module, as the operation's tag. */
  tag: string;
  /**
   * The request body as the spec defines it. Documented only: the module's codecs read and
   * check bodies leniently (null means absent, unknown fields are ignored, a DateTime may
   * lack its `Z`), which Fastify's own validation would not.
   */
  body?: { schema: TSchema; required: boolean };
  /** Per status of `schema.response`: what the answer means and the headers it carries. */
  responses?: Record<string, { description: string; headers?: Record<string, DocumentedHeader> }>;
}

declare module 'fastify' {
  interface FastifySchema {
    /** The route in the OpenAPI document; `false` leaves it out (routes that only answer an error). */
    openapi?: RouteDocumentation | false;
  }
}

/** Headers of a page of a list (transport/pagination.ts). */
export const PAGE_HEADERS: Record<string, DocumentedHeader> = {
  Link: {
    description: 'The next page: `<url>; rel="next"` (absent on the last page)',
    schema: { type: 'string' },
  },
  'X-Total-Count': { description: 'How many objects match the request', schema: { type: 'integer' } },
  'X-Limit': { description: 'The largest page this server serves', schema: { type: 'integer' } },
};

/** A non-negative integer as URL text; empty means absent. Read by readPageRequest(). */
const UnsignedIntText = (description: string) =>
  Type.String({ pattern: '^[0-9]*$', description, ocpiType: 'int' });

/** A DateTime as URL text (`Z` optional); empty means absent. Read by readPageRequest(). */
const DateTimeText = (description: string) =>
  Type.String({ pattern: `^$|${DATE_TIME_PATTERN}`, description, ocpiType: 'DateTime' });

/** The query of a paginated list. Other parameters (our own `cursor`) are let through. */
export const PageQuery = Type.Object({
  date_from: Opt(DateTimeText('Only objects changed at or after this time')),
  date_to: Opt(DateTimeText('Only objects changed before this time')),
  offset: Opt(UnsignedIntText('How many objects to skip')),
  limit: Opt(UnsignedIntText('How many objects to answer at most (clamped to X-Limit)')),
});

/** `{country_code}/{party_id}` of a receiver URL: the owner of the object. */
export const PartyParams = {
  country_code: CiString(2, { description: 'ISO 3166-1 alpha-2 of the owner' }),
  party_id: CiString(3, { description: 'Party id of the owner' }),
};
