import { useState } from 'react';

/**
 * `Idempotency-Key`s for POSTs the API makes repeat-safe (create order, cancel,
 * import…). The API stores the first answer per key for 24 h and replays it for
 * a repeat with the same body; the same key with a different body is refused
 * (422). So one key is kept while the user retries the same request (after a
 * network error, a timeout, a double click), and a new one is made as soon as
 * the request changes (the user fixed a field) or after a success.
 */
export type IdempotencyKeys = {
  /** The key for this request; the same as last time while `fingerprint` is unchanged. */
  keyFor(fingerprint: string): string;
  /** Forget the key (after a success, or when the form is reset). */
  reset(): void;
};

export function createIdempotencyKeys(newKey: () => string = () => crypto.randomUUID()): IdempotencyKeys {
  let current: { fingerprint: string; key: string } | null = null;
  return {
    keyFor(fingerprint) {
      if (current?.fingerprint !== fingerprint) current = { fingerprint, key: newKey() };
      return current.key;
    },
    reset() {
      current = null;
    },
  };
}

/** One set of idempotency keys for the lifetime of a form. */
export function useIdempotencyKeys(): IdempotencyKeys {
  const [keys] = useState(createIdempotencyKeys);
  return keys;
}

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
