import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { envelope } from './envelope.ts';
import { OcpiError } from './errors.ts';
import { OcpiStatus } from './status-codes.ts';

/** Maps every error to an OCPI envelope, in one place. */
export function ocpiErrorHandler(
  error: FastifyError | OcpiError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof OcpiError) {
    if (error.statusCode >= 3000)
      request.log.warn({ status: error.statusCode, err: error.message }, 'OCPI server error');
    return reply.code(error.httpStatus).send(envelope(error.data, error.statusCode, error.message));
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const context = fastifyError.validationContext ?? 'request';
    return reply
      .code(200)
      .send(
        envelope(undefined, OcpiStatus.INVALID_PARAMETERS, `invalid ${context}: ${fastifyError.message}`),
      );
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // Below the OCPI layer: bad JSON (400), body too large (413), unsupported media type (415)...
    const message =
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? `invalid JSON: ${error.message}`
        : error.message;
    return reply.code(status).send(envelope(undefined, OcpiStatus.CLIENT_ERROR, message));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send(envelope(undefined, OcpiStatus.SERVER_ERROR, 'internal server error'));
}
