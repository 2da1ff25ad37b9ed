import { describe, expect, it } from 'vitest';

import { tokenFromHash } from './register-confirm';

describe('registration link', () => {
  it('reads the token from the fragment of /register/confirm#token=…', () => {
    expect(tokenFromHash('#token=abc.DEF-123_x')).toBe('abc.DEF-123_x');
    expect(tokenFromHash('token=t1&x=2')).toBe('t1');
  });

  it('has no token without one', () => {
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
    expect(tokenFromHash('#other=1')).toBeNull();
  });
});
