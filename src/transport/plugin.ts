import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { TokenAuthenticator } from './context.ts';
import { envelopeSerializer } from './envelope.ts';
import { ocpiErrorHandler } from './error-handler.ts';
import { OcpiError } from './errors.ts';
import { jsonTextProblem } from './json-text.ts';
import { routeSerializerCompiler, routeValidatorCompiler } from './route-validation.ts';
import { readRoutingHeaders } from './routing-headers.ts';
import { notFoundAnswer } from './server.ts';
import { OcpiStatus } from './status-codes.ts';
import { assertPrintableUrlValues } from './url-values.ts';

const ID_HEADER_VALUE = /^[\x21-\x7e]{1,255}$/;

function headerId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && ID_HEADER_VALUE.test(value) ? value : undefined;
}

function parseJson(body: string): unknown {
  // Partners send DELETE and GET with a JSON content type and no body: that is not an error.
  if (body.trim() === '') return undefined;
  const problem = jsonTextProblem(body);
  if (problem) throw new OcpiError(OcpiStatus.INVALID_PARAMETERS, problem, { httpStatus: 400 });
  return JSON.parse(body);
}

/**
 * Everything every OCPI request shares: JSON parsing, request and correlation ids,
 * authentication by token, routing headers, validation of the params and querystrings
 * routes declare, and answers and errors as envelopes stamped with the node's clock.
 * Register it inside the scope that holds the OCPI routes.
 */
export async function ocpiTransport(
  app: FastifyInstance,
  options: { authenticator: TokenAuthenticator; clock: Clock },
) {
  const { authenticator, clock } = options;

  app.removeAllContentTypeParsers();
  // Liberal: any content type is read as JSON (some partners send text/plain or none).
  app.addContentTypeParser(['application/json', '*'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      // parseAs 'string' hands a string; Fastify's type also allows the Buffer of parseAs 'buffer'.
      done(null, parseJson(typeof body === 'string' ? body : body.toString('utf8')));
    } catch (err) {
      if (err instanceof OcpiError) return done(err, undefined);
      // JSON.parse's SyntaxError: HTTP 400, which the error handler words as invalid JSON.
      done(
        Object.assign(err instanceof Error ? err : new Error(String(err)), { statusCode: 400 }),
        undefined,
      );
    }
  });

  app.decorateRequest('ocpi');
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const requestId =
      headerId(request.headers['x-request-id']) ??
      (ID_HEADER_VALUE.test(request.id) ? request.id : randomUUID());
    const correlationId = headerId(request.headers['x-correlation-id']) ?? randomUUID();
    reply.header('X-Request-ID', requestId);
    reply.header('X-Correlation-ID', correlationId);
    request.ocpi = {
      requestId,
      correlationId,
      caller: undefined,
      token: undefined,
      routing: readRoutingHeaders(request.headers),
    };

    const auth = request.routeOptions.config.ocpiAuth ?? 'partner';
    if (auth === 'none') return;
    const header = request.headers.authorization;
    if (!header) throw OcpiError.unauthorized('missing Authorization: Token header');
    const found = await authenticator.authenticate(header);
    if (!found) throw OcpiError.unauthorized('unknown token');
    const { token } = found;
    let caller = found.caller;
    if (auth === 'partner' && caller.kind !== 'partner') {
      throw OcpiError.unauthorized('this token may only be used for versions and credentials');
    }
    // Functional modules are routed (2.2+): OCPI-to/from say for whom, and on whose behalf.
    if (auth === 'partner' && authenticator.attribute)
      caller = await authenticator.attribute(caller, request.ocpi.routing);
    request.ocpi.caller = caller;
    request.ocpi.token = token;
    // The request id is already bound by Fastify (createOcpiApp reads X-Request-ID); add the partner.
    request.log = request.log.child({
      partner: caller.kind === 'registration' ? 'registration' : caller.partner.id,
    });
    reply.log = request.log;
  });

  app.addHook('preValidation', async (request: FastifyRequest) => {
    assertPrintableUrlValues(request.params);
    assertPrintableUrlValues(request.query);
  });

  app.setValidatorCompiler(routeValidatorCompiler);
  app.setSerializerCompiler(routeSerializerCompiler);
  app.setReplySerializer(envelopeSerializer(clock));
  app.setErrorHandler(ocpiErrorHandler(clock));
  app.setNotFoundHandler(notFoundAnswer('no OCPI endpoint', clock));
}
