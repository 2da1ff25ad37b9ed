import { describe, expect, it } from 'vitest';

import { t } from '@/locales';
import type { Driver } from '@/types/api';

import { createDriverInputSchema } from './create-driver';
import { driverChanges, updateDriverInputSchema } from './update-driver';

const base = { name: 'Dana Driver', phone: '+44 7700 900123', email: '', enable_login: false, password: '' };

const fieldErrors = (value: unknown) => {
  const result = createDriverInputSchema.safeParse(value);
  if (result.success) return {};
  return Object.fromEntries(result.error.issues.map((issue) => [issue.path.join('.'), issue.message]));
};

describe('create driver form', () => {
  it('without app login: email optional, password ignored and not sent', () => {
    expect(createDriverInputSchema.parse({ ...base, password: 'whatever' })).toEqual({
      name: 'Dana Driver',
      phone: '+447700900123',
    });
    expect(createDriverInputSchema.parse({ ...base, email: 'dana@example.com' })).toEqual({
      name: 'Dana Driver',
      phone: '+447700900123',
      email: 'dana@example.com',
    });
  });

  it('with app login: sends email and password', () => {
    expect(
      createDriverInputSchema.parse({ ...base, enable_login: true, email: 'dana@example.com', password: 'drive2024now' }),
    ).toEqual({ name: 'Dana Driver', phone: '+447700900123', email: 'dana@example.com', password: 'drive2024now' });
  });

  it('with app login: requires an email and a valid password', () => {
    expect(fieldErrors({ ...base, enable_login: true })).toEqual({
      email: t.validation.emailRequiredForLogin,
      password: t.validation.passwordRequiredForLogin,
    });
    expect(fieldErrors({ ...base, enable_login: true, email: 'dana@example.com', password: 'short1' })).toEqual({
      password: t.validation.passwordTooShort(10),
    });
  });

  it('reports field errors alongside the login rules', () => {
    expect(fieldErrors({ ...base, name: '', phone: '07700 900123', enable_login: true })).toEqual({
      name: t.validation.required,
      phone: t.validation.phoneFormat,
      email: t.validation.emailRequiredForLogin,
      password: t.validation.passwordRequiredForLogin,
    });
  });
});

describe('edit driver form', () => {
  const driver: Driver = {
    id: 'd1',
    name: 'Dana Driver',
    phone: '+447700900123',
    email: 'dana@example.com',
    user_id: null,
    is_active: true,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    version: 3,
  };

  it('sends only changed fields (the API refuses an empty update)', () => {
    const unchanged = updateDriverInputSchema.parse({ name: 'Dana Driver', phone: '+44 7700 900123' });
    expect(driverChanges(driver, unchanged)).toEqual({});

    const edited = updateDriverInputSchema.parse({ name: ' Dana D. ', phone: '+447700900123' });
    expect(driverChanges(driver, edited)).toEqual({ name: 'Dana D.' });
  });
});
