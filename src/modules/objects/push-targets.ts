import type { PartnerEndpoint } from '../../partners/types.ts';

/** URL of one object (or a child of it) on a partner's receiver interface. */
export function receiverObjectUrl(
  endpoint: PartnerEndpoint,
  parts: string[],
  query?: Record<string, string>,
): string {
  const base = endpoint.url.replace(/\/+$/, '');
  const url = `${base}/${parts.map(encodeURIComponent).join('/')}`;
  const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
  return `${url}${search}`;
}
