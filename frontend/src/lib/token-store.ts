/** The two front-end apps keep separate sessions so one browser can hold both. */
export type Realm = 'ops' | 'driver';

export type TokenPair = {
  accessToken: string;
  refreshToken: string;
};

/** The subset of the Web Storage API the token store needs (easy to fake in tests). */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export type TokenStore = {
  get(): TokenPair | null;
  set(tokens: TokenPair): void;
  clear(): void;
};

export const tokenStorageKey = (realm: Realm) => `cargoflow.${realm}.session`;

function isTokenPair(value: unknown): value is TokenPair {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.accessToken === 'string' && typeof record.refreshToken === 'string';
}

function defaultStorage(): StorageLike | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    // Storage can be disabled by browser settings; fall back to memory.
    return null;
  }
}

/**
 * Persists a realm's tokens in localStorage (or an in-memory fallback when
 * storage is unavailable). Always reads through to storage so that a refresh
 * done by another tab is picked up instead of reusing a rotated refresh token.
 */
export function createTokenStore(realm: Realm, storage: StorageLike | null = defaultStorage()): TokenStore {
  const key = tokenStorageKey(realm);
  let memory: TokenPair | null = null;

  return {
    get() {
      if (!storage) return memory;
      try {
        const raw = storage.getItem(key);
        if (!raw) return null;
        const parsed: unknown = JSON.parse(raw);
        return isTokenPair(parsed) ? parsed : null;
      } catch {
        return null;
      }
    },
    set(tokens) {
      memory = tokens;
      try {
        storage?.setItem(key, JSON.stringify(tokens));
      } catch {
        // Quota or privacy mode: the in-memory copy keeps this tab working.
        storage = null;
      }
    },
    clear() {
      memory = null;
      try {
        storage?.removeItem(key);
      } catch {
        // Nothing else to clear.
      }
    },
  };
}
