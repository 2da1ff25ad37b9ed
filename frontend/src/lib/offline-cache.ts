/**
 * The driver app's offline copy of its day: the last answers of the queries
 * marked `offlineQuery` (who is signed in, today's routes, each route opened),
 * persisted by TanStack Query's persister to IndexedDB (through `idb`), so the
 * app still shows the day after a reload without a connection. The copy is
 * restored before the driver app's queries run (`PersistQueryClientProvider`
 * in app/realm-root.tsx), refetched as soon as it is stale, and cleared on
 * sign-out and when the session ends (never the driver's queued actions, which
 * live in their own database, lib/offline-queue.ts).
 *
 * It belongs to the driver signed in: a sign-in, sign-out or ended session
 * drops the realm's queries and this copy with them.
 */
import { createAsyncStoragePersister } from '@tanstack/query-async-storage-persister';
import type { PersistQueryClientOptions, Persister } from '@tanstack/react-query-persist-client';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/** How long an offline copy is kept without a refresh (a driver off the network for days still sees their last day). */
export const OFFLINE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** Query options that put a query's answer in the offline copy (and keep it in memory as long). */
export const offlineQuery = { meta: { offline: true }, gcTime: OFFLINE_MAX_AGE_MS } as const;

const DB_NAME = 'cargoflow-driver-cache';
const STORE = 'clients';
const KEY = 'driver';
/** Changed when what is stored changes shape: an older copy is then dropped, not restored. */
const BUSTER = '1';

interface CacheDb extends DBSchema {
  clients: { key: string; value: string };
}

type AsyncStringStorage = {
  getItem: (key: string) => Promise<string | null>;
  setItem: (key: string, value: string) => Promise<void>;
  removeItem: (key: string) => Promise<void>;
};

/** An async key-value storage of strings in one IndexedDB object store. */
export function indexedDbStorage(dbName: string = DB_NAME): AsyncStringStorage {
  let db: Promise<IDBPDatabase<CacheDb>> | null = null;
  const open = () =>
    (db ??= openDB<CacheDb>(dbName, 1, {
      upgrade(database) {
        database.createObjectStore(STORE);
      },
    }));
  return {
    getItem: async (key) => (await (await open()).get(STORE, key)) ?? null,
    setItem: async (key, value) => {
      await (await open()).put(STORE, value, key);
    },
    removeItem: async (key) => {
      await (await open()).delete(STORE, key);
    },
  };
}

/** The persister of the offline copy (one key in IndexedDB; nothing happens where IndexedDB is missing). */
export function createOfflinePersister(
  storage: AsyncStringStorage | null = typeof indexedDB === 'undefined' ? null : indexedDbStorage(),
  throttleTime = 1000,
): Persister {
  return createAsyncStoragePersister({ storage, key: KEY, throttleTime });
}

/** What `PersistQueryClientProvider` (or `persistQueryClient`) is given for the driver app. */
export function offlinePersistOptions(persister: Persister): Omit<PersistQueryClientOptions, 'queryClient'> {
  return {
    persister,
    maxAge: OFFLINE_MAX_AGE_MS,
    buster: BUSTER,
    dehydrateOptions: {
      shouldDehydrateQuery: (query) => query.meta?.offline === true && query.state.status === 'success',
      // Actions taken offline wait in the driver's own queue (lib/offline-queue.ts), not here.
      shouldDehydrateMutation: () => false,
    },
    // Restored answers stay until their query is used again (a route opened later, offline).
    hydrateOptions: { defaultOptions: { queries: { gcTime: OFFLINE_MAX_AGE_MS } } },
  };
}

export const driverOfflinePersister: Persister = createOfflinePersister();

// Earlier versions kept the copy in localStorage under these keys.
const LEGACY_PREFIX = 'cargoflow.cache.';

/** Forgets the offline copy (on sign-out and when the session ends). */
export async function clearOfflineCache(persister: Persister = driverOfflinePersister): Promise<void> {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(LEGACY_PREFIX)) localStorage.removeItem(key);
  } catch {
    // No localStorage (privacy mode, tests): nothing of an earlier version to forget.
  }
  await persister.removeClient();
}

/**
 * The user id of the driver whose day an earlier version cached in
 * localStorage: the owner of actions queued before owners were recorded
 * (read once, when the queue's database is upgraded).
 */
export function legacyCachedDriverId(): string | null {
  try {
    const raw = localStorage.getItem(`${LEGACY_PREFIX}driver.me`);
    const me = raw ? (JSON.parse(raw) as { user?: { id?: unknown } }) : null;
    return typeof me?.user?.id === 'string' ? me.user.id : null;
  } catch {
    return null;
  }
}
