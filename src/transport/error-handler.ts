import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { envelope, type OcpiEnvelope, stamp } from './envelope.ts';
import { OcpiError } from './errors.ts';
import { OcpiStatus } from './status-codes.ts';

/**
 * PostgreSQL's codes for text it cannot hold: untranslatable character (22P05, e.g. \u0000 in
 * jsonb), character not in repertoire (22021), and input it cannot read (22P02: a lone
 * surrogate escape in jsonb).
 */
const UNSTORABLE_TEXT = new Set(['22P05', '22021', '22P02']);

/** What a partner calls the part of a request that Fastify validated. */
const PART_NAMES: Record<string, string> = {
  params: 'URL parameter',
  querystring: 'query parameter',
  headers: 'header',
  body: 'body',
};

/** Maps every error to an OCPI envelope stamped with `clock`, in one place. */
export function ocpiErrorHandler(clock: Clock) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const [httpStatus, body] = errorAnswer(error, request);
    return reply.code(httpStatus).send(stamp(body, clock));
  };
}

/**
 * The HTTP status and envelope that answer an error. Fastify hands each one over as a
 * FastifyError; an error thrown below it (a driver's, a plain Error) may lack the code,
 * statusCode and validation that type names, so each is checked before use.
 */
function errorAnswer(error: FastifyError, request: FastifyRequest): [number, OcpiEnvelope] {
  if (error instanceof OcpiError) {
    if (error.httpStatus >= 500) {
      // A failure of this node (OCPI_ERR_CONFIG, OCPI_ERR_INTERNAL...): its message is for our logs.
      request.log.error({ err: error }, 'unhandled error');
      return [error.httpStatus, envelope(undefined, error.statusCode, 'internal server error')];
    }
    if (error.statusCode >= 3000)
      request.log.warn(
        { status: error.statusCode, code: error.code, err: error.message },
        'OCPI server error',
      );
    return [error.httpStatus, envelope(error.data, error.statusCode, error.message)];
  }
  if (UNSTORABLE_TEXT.has(error.code)) {
    // A string the model did not check reached the database, which refused it: nothing was written.
    request.log.warn({ err: error }, 'the database refused a value of the request');
    return [
      200,
      envelope(
        undefined,
        OcpiStatus.INVALID_PARAMETERS,
        'text with U+0000 or an unpaired surrogate cannot be stored',
      ),
    ];
  }
  if (error.validation) {
    // A path or query parameter the route's schema refuses (transport/route-validation.ts).
    const part = PART_NAMES[error.validationContext ?? ''] ?? 'request';
    const problems = error.validation.map(
      (issue) => `${part} ${issue.instancePath.replace(/^\//, '') || '/'}: ${issue.message ?? 'is invalid'}`,
    );
    return [200, envelope(undefined, OcpiStatus.INVALID_PARAMETERS, `invalid ${problems.join('; ')}`)];
  }
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // Below the OCPI layer: bad JSON (400), body too large (413), unsupported media type (415)...
    const message =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? `invalid JSON: ${error.message}`
        : error.message;
    return [status, envelope(undefined, OcpiStatus.CLIENT_ERROR, message)];
  }
  request.log.error({ err: error }, 'unhandled error');
  return [500, envelope(undefined, OcpiStatus.SERVER_ERROR, 'internal server error')];
}
