// RFC 3339 date-time as partners send it: `Z` optional (means UTC), fractions optional,
// an explicit offset tolerated and converted to UTC.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))?$/i;

/** Years a DateTime may fall in once in UTC: four digits, as the spec writes them, and no year 0. */
const FIRST = Date.parse('0001-01-01T00:00:00Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/**
 * Reads an OCPI DateTime liberally. Returns undefined when it is not one: a day the month
 * has not, an hour past 23, or a time that falls outside the years 0001-9999 in UTC. A
 * leap second (:60) is read as the next second's start.
 */
export function parseDateTime(value: string): Date | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  // The pattern's first six groups are not optional: a match has all six.
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const sign = m[9] === '-' ? -1 : 1;
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(1, 4).padEnd(3, '0'));
  // Date.UTC reads years 0-99 as 1900-1999: the date is set apart.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  const offset = sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  const time = date.getTime() + second * 1000 + millis - offset;
  return time >= FIRST && time <= LAST ? new Date(time) : undefined;
}

/** Writes a DateTime the way the spec asks: UTC, `Z`, whole seconds unless there are milliseconds. */
export function formatDateTime(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}
