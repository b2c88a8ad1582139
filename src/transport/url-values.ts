import { OcpiError } from './errors.ts';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Refuses (2001, naming it) a URL segment or query parameter that is not printable ASCII.
 * What OCPI puts in URLs (ids, country codes, party ids, token types, dates, paging) is
 * all CiString or plainer; a NUL or an emoji there is no id, and no store keeps a NUL.
 */
export function assertPrintableUrlValues(values: unknown): void {
  if (typeof values !== 'object' || values === null) return;
  for (const [name, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' && !PRINTABLE_ASCII.test(item))
        throw OcpiError.invalid(`${name}: must be printable ASCII, got ${JSON.stringify(item.slice(0, 60))}`);
    }
  }
}
