import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';
import type { Clock } from '../clock.ts';
import { envelope, stamp } from './envelope.ts';
import { ocpiErrorHandler } from './error-handler.ts';
import { OcpiError } from './errors.ts';
import { LazyChildLogger } from './lazy-logger.ts';
import { QuietRequestLogs } from './request-logs.ts';
import { OcpiStatus } from './status-codes.ts';

/** What a node's listeners accept from a client. */
export interface ServerLimits {
  /** Largest request body in bytes (default 1 MiB); larger bodies get HTTP 413. */
  bodyLimit?: number;
  /** Milliseconds a client has to send a whole request, headers and body (default 30 s); then HTTP 408. */
  requestTimeoutMs?: number;
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

type SharedOptions = Pick<
  FastifyServerOptions,
  | 'bodyLimit'
  | 'requestTimeout'
  | 'requestIdHeader'
  | 'genReqId'
  | 'frameworkErrors'
  | 'clientErrorHandler'
  | 'pluginTimeout'
  | 'logController'
  | 'childLoggerFactory'
> & { http: { connectionsCheckingInterval: number; headersTimeout: number; requestTimeout: number } };

/** Half of Node's 16 KiB limit on the request line and headers together. */
const LONG_REQUEST_LINE = 8 * 1024;

/**
 * Whether the request line took most of the room the headers have: then the client is
 * told its URL is too long (414) rather than its headers too large (431).
 */
function requestLineTooLong(packet: Buffer | undefined): boolean {
  if (!packet || !/^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1'))) return false;
  const end = packet.indexOf('\r\n');
  return end < 0 || end > LONG_REQUEST_LINE;
}

/** What went wrong before the request could be parsed, as an HTTP status and words. */
function connectionProblem(code: string, packet: Buffer | undefined): [number, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'the request took too long to arrive'];
  if (code === 'HPE_HEADER_OVERFLOW')
    return requestLineTooLong(packet) ? [414, 'URL too long'] : [431, 'request headers too large'];
  return [400, 'malformed request'];
}

/**
 * Answers errors of the connection (the HTTP parser's, the request timeout) with an OCPI
 * envelope on the raw socket, then closes it; Node and Fastify would send their own JSON.
 */
function answerClientError(
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Socket,
  clock: Clock,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined;
  const [status, message] = connectionProblem(error.code ?? '', packet);
  const body = JSON.stringify(stamp(envelope(undefined, OcpiStatus.CLIENT_ERROR, message), clock));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
}

/** Errors of the router (bad percent-encoding, an overlong parameter) as envelopes, without echoing the URL. */
function frameworkError(error: FastifyError): OcpiError {
  const message =
    error.code === 'FST_ERR_BAD_URL'
      ? 'not a valid url: bad percent-encoding'
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'a path segment is too long'
        : error.message;
  const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 400;
  return new OcpiError(OcpiStatus.CLIENT_ERROR, message, { httpStatus: status });
}

/**
 * The Fastify options every listener of a node shares: bounded bodies, a request timeout
 * (checked often enough to hold within a quarter of it), X-Request-ID, and errors below
 * the routes answered as OCPI envelopes with their 4xx status, stamped with `clock`, no
 * per-request log lines below debug, and request loggers made only when they write.
 */
export function serverOptions(limits: ServerLimits, clock: Clock): SharedOptions {
  const timeout = limits.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const answerError = ocpiErrorHandler(clock);
  return {
    bodyLimit: limits.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestTimeout: timeout,
    http: {
      requestTimeout: timeout,
      headersTimeout: timeout,
      connectionsCheckingInterval: Math.max(50, Math.min(5000, Math.floor(timeout / 4))),
    },
    // Log lines carry the partner's X-Request-ID when it sent one.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      answerError(frameworkError(error), request, reply),
    clientErrorHandler: (error, socket) => answerClientError(error, socket, clock),
    // Opening the store (initdb on PGlite's first start, migrations) can outlast Fastify's
    // 10 s plugin timeout on a slow or busy machine.
    pluginTimeout: 120_000,
    // Per-request lines only at debug: see QuietRequestLogs.
    logController: new QuietRequestLogs(),
    // A request's logger is made when it writes a line, not for every request: see LazyChildLogger.
    childLoggerFactory: (logger, bindings, options) => new LazyChildLogger(logger, bindings, options),
  };
}

/** The path of a request, for messages: without the query, and never very long. */
export function shownPath(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return path.length > 100 ? `${path.slice(0, 100)}…` : path;
}

/** A not-found handler: HTTP 404 with an envelope saying `<what> <method> <path>`, stamped with `clock`. */
export function notFoundAnswer(what: string, clock: Clock) {
  return (request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(404)
      .send(
        stamp(
          envelope(undefined, OcpiStatus.CLIENT_ERROR, `${what} ${request.method} ${shownPath(request)}`),
          clock,
        ),
      );
}

/** Answers what no route of the server takes (outside /ocpi and /admin) with envelopes too. */
export function answerUnrouted(app: FastifyInstance, clock: Clock): void {
  app.setErrorHandler(ocpiErrorHandler(clock));
  app.setNotFoundHandler(notFoundAnswer('no endpoint', clock));
}

/** The http:// base URL of a listening server, with wildcard addresses as loopback; undefined when not listening. */
export function listenUrl(address: AddressInfo | string | null): string | undefined {
  if (!address || typeof address === 'string') return undefined;
  const host =
    address.family === 'IPv6'
      ? `[${address.address === '::' ? '::1' : address.address}]`
      : address.address === '0.0.0.0'
        ? '127.0.0.1'
        : address.address;
  return `http://${host}:${address.port}`;
}
