/**
 * Last good answers of a few driver queries, kept in localStorage so the app
 * still shows the driver's day after a reload without a connection. Used as a
 * query's `initialData` (marked stale, so it is refetched when possible).
 */
const PREFIX = 'cargoflow.cache.';

export function readCache<T>(key: string): T | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

export function writeCache(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Quota or privacy mode: offline reloads just show less.
  }
}

/** Forgets everything cached (on sign-out). */
export function clearCache(): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
  } catch {
    // Nothing to clear.
  }
}

/** `initialData` options for useQuery from the cache; the data counts as stale at once. */
export function cachedInitialData<T>(key: string) {
  return { initialData: () => readCache<T>(key), initialDataUpdatedAt: 0 };
}
