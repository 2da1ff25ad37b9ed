import { locale, t } from '@/locales';

const dateFormatter = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
const dateTimeFormatter = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const numberFormatter = new Intl.NumberFormat(locale);

function toDate(value: string): Date | null {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export const formatDate = (value: string): string => {
  const date = toDate(value);
  return date ? dateFormatter.format(date) : t.common.emptyValue;
};

/** Date and time in the user's time zone; `—` for a missing value. */
export const formatDateTime = (value: string | null | undefined): string => {
  const date = value ? toDate(value) : null;
  return date ? dateTimeFormatter.format(date) : t.common.emptyValue;
};

/** "23 Nov 2026, 09:00 – 11:00" (or both full dates when the window spans days). */
export const formatWindow = (window: { start: string; end: string } | null | undefined): string => {
  const start = window ? toDate(window.start) : null;
  const end = window ? toDate(window.end) : null;
  if (!start || !end) return t.common.emptyValue;
  return dateTimeFormatter.formatRange(start, end);
};

export const formatNumber = (value: number): string => numberFormatter.format(value);

const timeFormatter = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
const dayTimeFormatter = new Intl.DateTimeFormat(locale, { weekday: 'short', hour: 'numeric', minute: '2-digit' });

/** "7:31 AM" today, "Mon 7:31 AM" on another day (driver screens, where the day is known). */
export const formatTime = (value: string | null | undefined): string => {
  const date = value ? toDate(value) : null;
  if (!date) return t.common.emptyValue;
  return date.toDateString() === new Date().toDateString() ? timeFormatter.format(date) : dayTimeFormatter.format(date);
};
