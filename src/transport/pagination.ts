import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseDateTime } from '../model/datetime.ts';
import { isJsonObject, type JsonObject } from '../model/json.ts';
import { OcpiError } from './errors.ts';

/** What a GET-list request asks for, checked and clamped. */
export interface PageRequest {
  offset: number;
  limit: number;
  dateFrom?: Date;
  dateTo?: Date;
  /** Our own keyset position, carried in the Link we send (ignored by partners). */
  cursor?: string;
}

export interface PaginationOptions {
  /** Largest page we serve; announced in X-Limit (default 100). */
  maxLimit?: number;
  /** Page size when the client gives no limit (default maxLimit). */
  defaultLimit?: number;
}

/** A non-negative integer parameter, however large (read approximately past 2^53). */
function readInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text))
    throw OcpiError.invalid(
      `${name}: must be a non-negative integer, got ${JSON.stringify(text.slice(0, 40))}`,
    );
  return Number(text);
}

function readDate(value: unknown, name: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = parseDateTime(String(value));
  if (!date)
    throw OcpiError.invalid(`${name}: not a DateTime: ${JSON.stringify(String(value).slice(0, 40))}`);
  return date;
}

/** Reads offset, limit, date_from and date_to. A limit above our maximum, however large, is clamped. */
export function readPageRequest(query: JsonObject, options: PaginationOptions = {}): PageRequest {
  const maxLimit = options.maxLimit ?? 100;
  const limit = readInteger(query.limit, 'limit') ?? options.defaultLimit ?? maxLimit;
  const offset = readInteger(query.offset, 'offset') ?? 0;
  // Past the end of any list there is nothing, but a store cannot count that far.
  if (offset > Number.MAX_SAFE_INTEGER)
    throw OcpiError.invalid(
      `offset: must be at most ${Number.MAX_SAFE_INTEGER}, got ${String(query.offset).slice(0, 40)}`,
    );
  const page: PageRequest = { offset, limit: Math.min(limit, maxLimit) };
  const dateFrom = readDate(query.date_from, 'date_from');
  const dateTo = readDate(query.date_to, 'date_to');
  if (dateFrom) page.dateFrom = dateFrom;
  if (dateTo) page.dateTo = dateTo;
  if (typeof query.cursor === 'string' && query.cursor !== '') page.cursor = query.cursor;
  return page;
}

/**
 * Sets Link (rel="next", repeating the original filters), X-Total-Count and X-Limit.
 * `publicUrl` is the URL partners reach this list at.
 */
export function setPageHeaders(
  reply: FastifyReply,
  request: FastifyRequest,
  publicUrl: string,
  page: PageRequest,
  total: number,
  maxLimit: number,
  nextCursor?: string,
): void {
  reply.header('X-Total-Count', String(total));
  reply.header('X-Limit', String(maxLimit));
  const nextOffset = page.offset + page.limit;
  if (page.limit === 0 || nextOffset >= total) return;
  const next = new URL(publicUrl);
  const query = isJsonObject(request.query) ? request.query : {};
  for (const [key, value] of Object.entries(query)) {
    if (key !== 'offset' && key !== 'limit' && key !== 'cursor' && value !== undefined)
      next.searchParams.set(key, String(value));
  }
  if (nextCursor !== undefined) next.searchParams.set('cursor', nextCursor);
  next.searchParams.set('offset', String(nextOffset));
  next.searchParams.set('limit', String(page.limit));
  reply.header('Link', `<${next.toString()}>; rel="next"`);
}
