/** The two front-end apps keep separate sessions so one browser can hold both. */
export type Realm = 'ops' | 'driver';

/**
 * A realm's session as this tab knows it: the short-lived access token and
 * whose it is. It lives in memory only. The refresh token is an httpOnly
 * cookie (`cf_rt_ops` / `cf_rt_driver`, path `/api/auth/refresh`) that
 * JavaScript never sees; a reload gets a new access token from it.
 */
export type Session = {
  accessToken: string;
  /** The user the token belongs to (from the login/refresh answer). */
  userId: string;
};

/** The subset of the Web Storage API the app needs (easy to fake in tests). */
export type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export type TokenStore = {
  get(): Session | null;
  set(session: Session): void;
  clear(): void;
};

/** Where earlier versions kept a realm's access AND refresh tokens. Never written any more. */
export const legacyTokenStorageKey = (realm: Realm) => `cargoflow.${realm}.session`;

export function defaultStorage(): StorageLike | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    // Storage can be disabled by browser settings.
    return null;
  }
}

/**
 * Removes the tokens earlier versions kept in localStorage (a 30-day refresh
 * token readable by any script on the origin). Called once on start.
 */
export function removeLegacySessionKeys(storage: StorageLike | null = defaultStorage()): void {
  for (const realm of ['ops', 'driver'] as const) {
    try {
      storage?.removeItem(legacyTokenStorageKey(realm));
    } catch {
      // Nothing to remove.
    }
  }
}

/** A realm's session in this tab's memory: gone on reload, never on disk. */
export function createTokenStore(): TokenStore {
  let session: Session | null = null;
  return {
    get: () => session,
    set(next) {
      session = next;
    },
    clear() {
      session = null;
    },
  };
}
