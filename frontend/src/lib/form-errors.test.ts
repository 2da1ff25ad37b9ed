import { describe, expect, it, vi } from 'vitest';

import { ApiError } from './api-client';
import { applyApiFieldErrors } from './form-errors';

type Values = { email: string; password: string; full_name: string };

describe('applyApiFieldErrors', () => {
  it('maps known server field errors onto the form (capitalised) and focuses the first', () => {
    const setError = vi.fn();
    const error = new ApiError({
      status: 422,
      code: 'validation_failed',
      message: 'Request is invalid',
      fields: { email: 'is already taken', password: 'Too weak', tenant_id: 'Not shown in this form' },
    });

    const mapped = applyApiFieldErrors<Values>(error, setError, ['full_name', 'email', 'password']);

    expect(mapped).toEqual(['email', 'password']);
    expect(setError).toHaveBeenCalledTimes(2);
    expect(setError).toHaveBeenNthCalledWith(1, 'email', { type: 'server', message: 'Is already taken' }, { shouldFocus: true });
    expect(setError).toHaveBeenNthCalledWith(2, 'password', { type: 'server', message: 'Too weak' }, { shouldFocus: false });
  });

  it('ignores errors that are not ApiErrors or have no fields', () => {
    const setError = vi.fn();
    expect(applyApiFieldErrors<Values>(new Error('boom'), setError, ['email'])).toEqual([]);
    expect(
      applyApiFieldErrors<Values>(new ApiError({ status: 401, code: 'invalid_credentials', message: 'No' }), setError, ['email']),
    ).toEqual([]);
    expect(setError).not.toHaveBeenCalled();
  });
});
