import type { RoutingHeaders } from './routing-headers.ts';

/** Who may call a route. */
export type RouteAuth =
  /** Versions and credentials: registration (token A), pending and registered partners. */
  | 'handshake'
  /** Functional modules: registered partners only; token A gets 401. */
  | 'partner'
  /** No OCPI token (admin routes bring their own check). */
  | 'none';

/** What transport itself reads of a caller: its kind, and the partner's id for the logs. */
export interface CallerShape {
  kind: 'registration' | 'pending' | 'partner';
  partner?: { id: string };
}

/**
 * The caller type of the layer that knows callers. Transport sits below the partner registry,
 * so partners/types.ts names its Caller here by declaration merging (as Fastify's own types
 * are extended), and routes see the whole Caller on request.ocpi.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface OcpiCallerType {}

/** Who is calling: the merged-in Caller, or just the shape transport needs. */
export type OcpiCaller = OcpiCallerType extends { caller: infer C extends CallerShape } ? C : CallerShape;

/** Finds who sent an Authorization header (the partner registry is one). */
export interface TokenAuthenticator {
  authenticate(header: string | undefined): Promise<{ caller: OcpiCaller; token: string } | undefined>;
  /**
   * Who a request on a functional module is from, given its routing headers: the caller as
   * authenticated, or a view of it (a hub's request on behalf of a party behind it). Throws
   * an OcpiError for headers that may not be answered.
   */
  attribute?(caller: OcpiCaller, routing: RoutingHeaders): Promise<OcpiCaller>;
}

/** What the transport layer establishes for every OCPI request. */
export interface OcpiRequestContext {
  requestId: string;
  correlationId: string;
  caller: OcpiCaller | undefined;
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
