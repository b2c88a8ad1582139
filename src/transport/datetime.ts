// RFC 3339 date-time as partners send it: `Z` optional (means UTC), fractions optional,
// an explicit offset tolerated and converted to UTC.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/i;

/** Reads an OCPI DateTime liberally. Returns undefined when it is not one. */
export function parseDateTime(value: string): Date | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const zone = m[8] === undefined ? 'Z' : m[8].toUpperCase();
  const fraction = m[7] === undefined ? '' : m[7].slice(0, 4);
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${fraction}${zone}`);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject roll-overs such as 2024-02-31 that Date silently normalises.
  if (zone === 'Z' && date.getUTCDate() !== Number(m[3])) return undefined;
  return date;
}

/** Writes a DateTime the way the spec asks: UTC, `Z`, whole seconds unless there are milliseconds. */
export function formatDateTime(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}
