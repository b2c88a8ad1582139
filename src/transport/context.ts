import type { Caller } from '../partners/types.ts';
import type { RoutingHeaders } from './routing-headers.ts';

/** Who may call a route. */
export type RouteAuth =
  /** Versions and credentials: registration (token A), pending and registered partners. */
  | 'handshake'
  /** Functional modules: registered partners only; token A gets 401. */
  | 'partner'
  /** No OCPI token (admin routes bring their own check). */
  | 'none';

/** What the transport layer establishes for every OCPI request. */
export interface OcpiRequestContext {
  requestId: string;
  correlationId: string;
  caller: Caller | undefined;
  /** The token the caller authenticated with (needed to answer GET credentials). */
  token: string | undefined;
  /** OCPI-from/to headers (2.2+ functional modules). */
  routing: RoutingHeaders;
}

declare module 'fastify' {
  interface FastifyRequest {
    ocpi: OcpiRequestContext;
  }
  interface FastifyContextConfig {
    ocpiAuth?: RouteAuth;
  }
}
