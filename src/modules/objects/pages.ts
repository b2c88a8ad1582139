import { type OcpiReply, PartnerCallError } from '../../client/ocpi-http.ts';
import { isRefusal } from '../../delivery/refusal.ts';
import type { OcpiNode } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';

export interface PullOptions {
  dateFrom?: Date;
  dateTo?: Date;
  /** Page size to ask for (the partner may send fewer). */
  limit?: number;
  /** Safety stop for partners whose Link never ends (default 100,000 pages). */
  maxPages?: number;
  /** Called after each page. */
  onPage?: (progress: PullProgress) => void;
}

export interface PullProgress {
  pages: number;
  received: number;
  skipped: number;
  /** What the partner's X-Total-Count says, which may be wrong. */
  total?: number;
}

/** One page of a partner's paginated list, as it came (items unread). */
export interface ListPage {
  items: unknown[];
  /** What the partner's X-Total-Count says, which may be wrong. */
  total?: number;
}

/** How to walk a partner's paginated list. */
export interface PageWalk {
  /** The first page's URL, with the filters and the page size asked for. */
  first: URL;
  /** Request headers (the routing headers of a functional module). */
  headers?: Record<string, string>;
  /** The module, for log lines. */
  module: string;
  /** Safety stop for partners whose Link never ends (default 100,000 pages). */
  maxPages?: number;
}

/** The start of a walk over a sender's list: its URL with the filters and page size asked for. */
export function firstPage(endpointUrl: string, options: PullOptions): Pick<PageWalk, 'first' | 'maxPages'> {
  const first = new URL(endpointUrl);
  if (options.dateFrom) first.searchParams.set('date_from', options.dateFrom.toISOString());
  if (options.dateTo) first.searchParams.set('date_to', options.dateTo.toISOString());
  if (options.limit) first.searchParams.set('limit', String(options.limit));
  return { first, ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }) };
}

function nextLink(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  return value ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(value)?.[1] : undefined;
}

/**
 * The next page's URL from a partner's Link, if we may follow it: it parses (relative to
 * the page it came with), is on the endpoint's host, and its scheme is the endpoint's,
 * or https. Anything else is not sent the partner's token.
 */
export function followableLink(link: string, page: URL, endpoint: URL): URL | undefined {
  let url: URL;
  try {
    url = new URL(link, page);
  } catch {
    return undefined;
  }
  if (url.protocol !== endpoint.protocol && url.protocol !== 'https:') return undefined;
  return url.host === endpoint.host ? url : undefined;
}

/**
 * Walks a partner's paginated list (any module's sender GET), following Link headers.
 * Copes with partners that send wrong totals, an empty last page, or a Link that loops. A
 * Link that cannot be followed (see followableLink(), or the partner refuses the page it
 * names) is replaced by offset paging from the items received so far.
 */
export async function* walkPages(node: OcpiNode, partner: Partner, walk: PageWalk): AsyncGenerator<ListPage> {
  const token = await node.registry.outboundToken(partner.id);
  if (!token) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `no token for partner ${partner.id}`);
  const { first, headers, module } = walk;
  const seen = new Set<string>();
  /** Items the partner sent so far, valid or not: the offset of the next page. */
  let offset = 0;
  let pages = 0;
  const byOffset = () => {
    const url = new URL(first);
    url.searchParams.set('offset', String(offset));
    return url.toString();
  };
  /** A page; or, when the partner refused it (HTTP 4xx, OCPI 2xxx), the error. Other failures throw. */
  const get = async (url: string): Promise<{ reply: OcpiReply } | { refused: Error }> => {
    let reply: OcpiReply;
    try {
      reply = await node.http.call({
        method: 'GET',
        url,
        token,
        encoding: partner.tokenEncoding,
        ...(headers ? { headers } : {}),
      });
    } catch (err) {
      if (err instanceof PartnerCallError && isRefusal(err.partnerHttpStatus)) return { refused: err };
      throw err;
    }
    const { httpStatus, envelope } = reply;
    if (httpStatus < 300 && envelope.status_code === OcpiStatus.SUCCESS) return { reply };
    const error = new OcpiError(
      'OCPI_ERR_PARTNER_REFUSED',
      `GET ${url}: HTTP ${httpStatus}, OCPI ${envelope.status_code} ${envelope.status_message ?? ''}`.trim(),
    );
    if (isRefusal(httpStatus, envelope.status_code)) return { refused: error };
    throw error;
  };
  let url: string | undefined = first.toString();
  /** Whether `url` came from the partner's Link (and offset paging may stand in for it). */
  let linked = false;
  while (url && !seen.has(url) && pages < (walk.maxPages ?? 100_000)) {
    seen.add(url);
    const page = await get(url);
    if ('refused' in page) {
      if (!linked) throw page.refused;
      node.log.warn(
        { partner: partner.id, module, err: page.refused.message },
        'the partner refused the page its Link names: paging on by offset',
      );
      url = byOffset();
      linked = false;
      continue;
    }
    const { reply } = page;
    const items: unknown[] = Array.isArray(reply.envelope.data) ? reply.envelope.data : [];
    pages++;
    const total = Number(reply.headers['x-total-count']);
    yield Number.isFinite(total) ? { items, total } : { items };
    offset += items.length;
    // An empty page ends the walk even if the partner still sends a Link; no Link, too.
    const link = items.length === 0 ? undefined : nextLink(reply.headers.link);
    if (link === undefined) break;
    const next = followableLink(link, new URL(url), first);
    if (!next)
      node.log.warn(
        { partner: partner.id, module, link },
        'the partner sent a Link that cannot be followed: paging on by offset',
      );
    url = next ? next.toString() : byOffset();
    linked = next !== undefined;
  }
}
