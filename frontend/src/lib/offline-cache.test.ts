import 'fake-indexeddb/auto';

import { persistQueryClient, persistQueryClientRestore } from '@tanstack/react-query-persist-client';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  clearOfflineCache,
  createOfflinePersister,
  indexedDbStorage,
  legacyCachedDriverId,
  OFFLINE_MAX_AGE_MS,
  offlinePersistOptions,
  offlineQuery,
} from './offline-cache';

let dbs = 0;
const freshStorage = () => indexedDbStorage(`cache-test-${++dbs}`);

const me = { user: { id: 'U-driver-1', full_name: 'Ravi' }, tenant: { id: 'T1' } };
const routes = [{ id: 'R1', status: 'PLANNED' }];
const ME = ['driver', 'auth', 'me'];
const TODAY = ['driver', 'driver', 'routes', 'today'];

/** A driver app's client that saved its queries with `persister` (and stops saving after). */
async function driverSession(persister: ReturnType<typeof createOfflinePersister>, fill: (client: QueryClient) => Promise<void>) {
  const queryClient = new QueryClient();
  const [unsubscribe, restored] = persistQueryClient({ queryClient, ...offlinePersistOptions(persister) });
  await restored;
  await fill(queryClient);
  return { queryClient, unsubscribe };
}

async function restoreInto(persister: ReturnType<typeof createOfflinePersister>) {
  const queryClient = new QueryClient();
  await persistQueryClientRestore({ queryClient, ...offlinePersistOptions(persister) });
  return queryClient;
}

afterEach(() => vi.unstubAllGlobals());

describe('indexedDbStorage', () => {
  it('stores, reads and removes strings by key', async () => {
    const storage = freshStorage();
    expect(await storage.getItem('k')).toBeNull();
    await storage.setItem('k', 'v1');
    await storage.setItem('k', 'v2');
    expect(await storage.getItem('k')).toBe('v2');
    await storage.removeItem('k');
    expect(await storage.getItem('k')).toBeNull();
  });
});

describe("the driver app's offline copy", () => {
  it('keeps the answers of offline queries across a reload, and only those', async () => {
    const storage = freshStorage();
    const persister = createOfflinePersister(storage, 0);
    const session = await driverSession(persister, async (client) => {
      await client.fetchQuery({ queryKey: ME, queryFn: () => me, ...offlineQuery });
      await client.fetchQuery({ queryKey: TODAY, queryFn: () => routes, ...offlineQuery });
      await client.fetchQuery({ queryKey: ['driver', 'not-offline'], queryFn: () => 'x' });
      await client.fetchQuery({ queryKey: ['ops', 'orders'], queryFn: () => ['o'] });
    });
    await vi.waitFor(async () => expect(await storage.getItem('driver')).toContain('U-driver-1'));
    session.unsubscribe();

    const reloaded = await restoreInto(persister);
    expect(reloaded.getQueryData(ME)).toEqual(me);
    expect(reloaded.getQueryData(TODAY)).toEqual(routes);
    expect(reloaded.getQueryData(['driver', 'not-offline'])).toBeUndefined();
    expect(reloaded.getQueryData(['ops', 'orders'])).toBeUndefined();
    // Restored answers stay (a route opened later, offline) and stay in the copy when saved again.
    const restored = reloaded.getQueryCache().find({ queryKey: TODAY });
    expect(restored?.meta?.offline).toBe(true);
    expect(restored?.gcTime).toBe(OFFLINE_MAX_AGE_MS);
  });

  it('follows the cache: queries removed (sign-in, sign-out, ended session) leave the copy', async () => {
    const storage = freshStorage();
    const persister = createOfflinePersister(storage, 0);
    const session = await driverSession(persister, async (client) => {
      await client.fetchQuery({ queryKey: ME, queryFn: () => me, ...offlineQuery });
    });
    await vi.waitFor(async () => expect(await storage.getItem('driver')).toContain('U-driver-1'));
    session.queryClient.removeQueries({ queryKey: ['driver'] });
    await vi.waitFor(async () => expect(await storage.getItem('driver')).not.toContain('U-driver-1'));
    session.unsubscribe();
    expect((await restoreInto(persister)).getQueryData(ME)).toBeUndefined();
  });

  it('is cleared on sign-out, with what an earlier version kept in localStorage', async () => {
    const storage = freshStorage();
    const persister = createOfflinePersister(storage, 0);
    const legacy = new Map([
      ['cargoflow.cache.driver.me', JSON.stringify(me)],
      ['cargoflow.cache.driver.routes.today', '[]'],
      ['cargoflow.driver.sign-out-pending', '1'],
    ]);
    vi.stubGlobal('localStorage', {
      getItem: (key: string) => legacy.get(key) ?? null,
      removeItem: (key: string) => legacy.delete(key),
      ...Object.fromEntries([...legacy.keys()].map((key) => [key, legacy.get(key)])),
    });
    const session = await driverSession(persister, async (client) => {
      await client.fetchQuery({ queryKey: ME, queryFn: () => me, ...offlineQuery });
    });
    await vi.waitFor(async () => expect(await storage.getItem('driver')).toContain('U-driver-1'));

    session.unsubscribe();
    // Saves already scheduled land first (throttled to one at a time).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await storage.getItem('driver')).toContain('U-driver-1');

    await clearOfflineCache(persister);
    expect(await storage.getItem('driver')).toBeNull();
    expect((await restoreInto(persister)).getQueryData(ME)).toBeUndefined();
    // Only the old copy's keys: the session's own marker is not the cache's to remove.
    expect([...legacy.keys()]).toEqual(['cargoflow.driver.sign-out-pending']);
  });

  it('drops a copy older than its maximum age instead of restoring it', async () => {
    const storage = freshStorage();
    const persister = createOfflinePersister(storage, 0);
    await storage.setItem(
      'driver',
      JSON.stringify({
        timestamp: Date.now() - OFFLINE_MAX_AGE_MS - 1000,
        buster: '1',
        clientState: { mutations: [], queries: [{ queryKey: ME, queryHash: JSON.stringify(ME), state: { data: me, status: 'success', dataUpdatedAt: 1 } }] },
      }),
    );
    expect((await restoreInto(persister)).getQueryData(ME)).toBeUndefined();
    expect(await storage.getItem('driver')).toBeNull();
  });

  it('does nothing where IndexedDB is missing', async () => {
    const persister = createOfflinePersister(null);
    await persister.persistClient({ timestamp: Date.now(), buster: '1', clientState: { queries: [], mutations: [] } });
    expect(await persister.restoreClient()).toBeUndefined();
  });
});

describe('legacyCachedDriverId', () => {
  it("reads the driver an earlier version cached, for the queue's one-time upgrade", () => {
    vi.stubGlobal('localStorage', { getItem: (key: string) => (key === 'cargoflow.cache.driver.me' ? JSON.stringify(me) : null) });
    expect(legacyCachedDriverId()).toBe('U-driver-1');
    vi.stubGlobal('localStorage', { getItem: () => '{not json' });
    expect(legacyCachedDriverId()).toBeNull();
    vi.stubGlobal('localStorage', { getItem: () => null });
    expect(legacyCachedDriverId()).toBeNull();
  });
});
