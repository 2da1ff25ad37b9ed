import { describe, expect, it } from 'vitest';

import { loginUrl, safeRedirect } from './utils';

describe('safeRedirect', () => {
  it('keeps paths inside the realm app', () => {
    expect(safeRedirect('/ops/admin/drivers', 'ops')).toBe('/ops/admin/drivers');
    expect(safeRedirect('/ops/admin/drivers?cursor=abc', 'ops')).toBe('/ops/admin/drivers?cursor=abc');
    expect(safeRedirect('/driver/today', 'driver')).toBe('/driver/today');
  });

  it('falls back to the realm home for anything else', () => {
    expect(safeRedirect(null, 'ops')).toBe('/ops/dashboard');
    expect(safeRedirect('', 'driver')).toBe('/driver/today');
    expect(safeRedirect('https://evil.example/ops', 'ops')).toBe('/ops/dashboard');
    expect(safeRedirect('//evil.example/ops', 'ops')).toBe('/ops/dashboard');
    expect(safeRedirect('/\\evil.example', 'ops')).toBe('/ops/dashboard');
    expect(safeRedirect('/driver/today', 'ops')).toBe('/ops/dashboard');
    expect(safeRedirect('/opsx/secret', 'ops')).toBe('/ops/dashboard');
  });
});

describe('loginUrl', () => {
  it('remembers where to come back to', () => {
    expect(loginUrl('ops', '/ops/admin/users')).toBe('/login?redirectTo=%2Fops%2Fadmin%2Fusers');
    expect(loginUrl('driver', '/driver/today?x=1')).toBe('/driver/login?redirectTo=%2Fdriver%2Ftoday%3Fx%3D1');
  });

  it('omits the home page and foreign paths', () => {
    expect(loginUrl('ops', '/ops/dashboard')).toBe('/login');
    expect(loginUrl('ops', '/login')).toBe('/login');
    expect(loginUrl('driver')).toBe('/driver/login');
  });
});
