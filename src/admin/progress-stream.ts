import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { parseDateTime } from '../model/datetime.ts';
import type { PullOptions, PullProgress } from '../modules/objects/pages.ts';
import { OcpiError } from '../transport/errors.ts';

/** `?date_from=` of a sync, read as a DateTime; anything else is 2001. */
export function syncOptions(query: { date_from?: string }): Pick<PullOptions, 'dateFrom'> {
  if (!query.date_from) return {};
  const dateFrom = parseDateTime(query.date_from);
  if (!dateFrom) throw OcpiError.invalid('date_from: not a DateTime');
  return { dateFrom };
}

/**
 * Answers a pull as NDJSON: a `{progress}` line per page, then `{done}` with the result or
 * `{error, status_code}`, so that the CLI can draw a progress bar.
 */
export function streamProgress(
  reply: FastifyReply,
  run: (onPage: (progress: PullProgress) => void) => Promise<PullProgress>,
): FastifyReply {
  const stream = new Readable({ read() {} });
  reply.type('application/x-ndjson');
  run((p) => stream.push(`${JSON.stringify({ progress: p })}\n`))
    .then((result) => stream.push(`${JSON.stringify({ done: result })}\n`))
    .catch((err: Error) =>
      stream.push(
        `${JSON.stringify({ error: err.message, status_code: err instanceof OcpiError ? err.statusCode : 3000 })}\n`,
      ),
    )
    .finally(() => stream.push(null));
  return reply.send(stream);
}
