import { describe, expect, it } from 'vitest';

import { localDateTimeToRfc3339, localDateToRfc3339, rfc3339ToLocalDateTime } from './datetime';

describe('local date inputs to API instants', () => {
  it('turns a local day into its first and last instant', () => {
    expect(localDateToRfc3339('2026-11-23')).toBe(new Date(2026, 10, 23, 0, 0, 0, 0).toISOString());
    expect(localDateToRfc3339('2026-11-23', true)).toBe(new Date(2026, 10, 23, 23, 59, 59, 999).toISOString());
  });

  it('refuses what is not a date', () => {
    expect(localDateToRfc3339('')).toBeNull();
    expect(localDateToRfc3339('23/11/2026')).toBeNull();
    expect(localDateToRfc3339('2026-02-30')).toBeNull();
  });

  it('turns a datetime-local value into RFC 3339 UTC and back', () => {
    const rfc = localDateTimeToRfc3339('2026-11-23T09:30');
    expect(rfc).toBe(new Date(2026, 10, 23, 9, 30).toISOString().replace('.000Z', 'Z'));
    expect(rfc3339ToLocalDateTime(rfc ?? '')).toBe('2026-11-23T09:30');
    expect(localDateTimeToRfc3339('2026-11-23 09:30')).toBeNull();
    expect(rfc3339ToLocalDateTime('soon')).toBe('');
  });
});
