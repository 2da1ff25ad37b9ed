import { describe, expect, it } from 'vitest';

import { createIdempotencyKeys } from './idempotency';

describe('idempotency keys', () => {
  const counter = () => {
    let n = 0;
    return () => `key-${++n}`;
  };

  it('reuses the key while the same request is retried', () => {
    const keys = createIdempotencyKeys(counter());
    expect(keys.keyFor('{"a":1}')).toBe('key-1');
    expect(keys.keyFor('{"a":1}')).toBe('key-1');
  });

  it('makes a new key when the request changes (the API refuses a key reused with another body)', () => {
    const keys = createIdempotencyKeys(counter());
    expect(keys.keyFor('{"a":1}')).toBe('key-1');
    expect(keys.keyFor('{"a":2}')).toBe('key-2');
    expect(keys.keyFor('{"a":1}')).toBe('key-3');
  });

  it('starts afresh after reset (a success)', () => {
    const keys = createIdempotencyKeys(counter());
    keys.keyFor('x');
    keys.reset();
    expect(keys.keyFor('x')).toBe('key-2');
  });

  it('uses random UUIDs by default', () => {
    const key = createIdempotencyKeys().keyFor('x');
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
