import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/** Levels at which every request gets its lines ('incoming request', 'request completed'). */
const VERBOSE = new Set(['debug', 'trace']);

/**
 * Fastify's per-request log lines, only when the logger is at debug or below: at info
 * they were two lines (serialised and redacted) on every request, a large share of the
 * CPU of small routes. Errors are still logged at any level (the error handler logs
 * failures of the node, and a response that broke off is logged here), and slow requests
 * are logged at warn by the node's request timing. Every line a request writes carries
 * its request id, whatever the level: that binding is Fastify's, per request.
 */
export class QuietRequestLogs extends LogController {
  override isLogDisabled(request: FastifyRequest): boolean {
    return !VERBOSE.has(request.log.level);
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error)
      reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else super.requestCompleted(error, request, reply, metadata);
  }
}
