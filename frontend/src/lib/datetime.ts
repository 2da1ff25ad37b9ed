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
