import { describe, expect, it } from 'vitest';

import { formatDay, routeDateIso, todayIsoDate } from './datetime';
import { formatDateTime, formatTime } from './format';

describe('formatTime', () => {
  it('formats today as a time and other days with the weekday (valid Intl options)', () => {
    const now = new Date();
    expect(formatTime(now.toISOString())).toMatch(/\d/);
    expect(formatTime(new Date(now.getTime() - 3 * 86_400_000).toISOString())).toMatch(/^[A-Z][a-z]{2} /);
    expect(formatTime(null)).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
  });
});

describe('route dates', () => {
  it('reads YYYY-MM-DD and [year, ordinal] alike', () => {
    expect(routeDateIso('2026-11-23')).toBe('2026-11-23');
    expect(routeDateIso([2026, 327])).toBe('2026-11-23');
    expect(routeDateIso([2024, 60])).toBe('2024-02-29');
    expect(routeDateIso(null)).toBe('');
  });

  it('formats the calendar day whatever the time zone', () => {
    expect(formatDay('2026-11-23')).toBe('Nov 23, 2026');
    expect(formatDay([2026, 1])).toBe('Jan 1, 2026');
    expect(formatDay('')).toBe('—');
  });

  it('uses the UTC day for today (as the API does)', () => {
    expect(todayIsoDate(new Date('2026-11-23T23:30:00-05:00'))).toBe('2026-11-24');
  });
});
