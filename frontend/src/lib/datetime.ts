/**
 * Conversions between what date inputs hold (local wall-clock time, no zone)
 * and what the API takes (RFC 3339 instants in UTC).
 */

/** The `<input type="datetime-local">` value "2026-11-23T09:00" (local time) as "2026-11-23T08:00:00Z"; null if invalid. */
export function localDateTimeToRfc3339(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return null;
  // A date-time without an offset is parsed as local time (ECMAScript).
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

/** An RFC 3339 instant as a `datetime-local` value in the user's time zone (minutes precision). */
export function rfc3339ToLocalDateTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * The `<input type="date">` value "2026-11-23" as the first (or, with
 * `endOfDay`, the last) instant of that day in the user's time zone, in RFC
 * 3339 UTC. (The API reads a bare date as a UTC day, which is not what a user
 * outside UTC means by "created on the 23rd".) Null if invalid.
 */
export function localDateToRfc3339(value: string, endOfDay = false): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = endOfDay ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d, 0, 0, 0, 0);
  if (Number.isNaN(date.getTime()) || date.getMonth() !== m - 1) return null;
  return date.toISOString();
}

/**
 * Today as `YYYY-MM-DD` in UTC: the API dates routes and "today's routes" by the
 * UTC day, so the console uses the same day by default.
 */
export function todayIsoDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * A route's `route_date` as `YYYY-MM-DD`. The contract says a string; a `[year,
 * ordinal day]` pair (how the `time` crate serialises a Date without its
 * human-readable feature) is accepted too, so the pages do not break on it.
 */
export function routeDateIso(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 2 && value.every((part) => Number.isInteger(part))) {
    const [year, ordinal] = value as [number, number];
    return new Date(Date.UTC(year, 0, ordinal)).toISOString().slice(0, 10);
  }
  return '';
}

/** "Nov 23, 2026" for a `YYYY-MM-DD` day (read as that calendar day, not shifted by the time zone). */
export function formatDay(value: unknown, locale = 'en'): string {
  const iso = routeDateIso(value);
  const [year, month, day] = iso.split('-').map(Number);
  if (!year || !month || !day) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, day)));
}
