import { useQueryClient } from '@tanstack/react-query';
import { PersistQueryClientProvider } from '@tanstack/react-query-persist-client';
import { useEffect } from 'react';
import { Outlet, useNavigate } from 'react-router';
import { toast } from 'sonner';

import { loginUrl } from '@/features/auth/utils';
import { apiClients, type Realm } from '@/lib/api-client';
import { ApiClientProvider } from '@/lib/api-provider';
import { clearOfflineCache, driverOfflinePersister, offlinePersistOptions } from '@/lib/offline-cache';
import { t } from '@/locales';

const DRIVER_PERSIST_OPTIONS = offlinePersistOptions(driverOfflinePersister);

/**
 * Root of one app (ops console or driver app): provides that realm's API
 * client and, when its session expires, drops the realm's cached data (never
 * the driver's queued actions) and sends the user to the realm's login page,
 * returning them here afterwards.
 */
export function RealmRoot({ realm }: { realm: Realm }) {
  const client = apiClients[realm];
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  useEffect(
    () =>
      client.onSessionExpired(() => {
        queryClient.removeQueries({ queryKey: [realm] });
        const { pathname, search } = window.location;
        void navigate(loginUrl(realm, pathname + search), { replace: true });
        if (realm !== 'driver') {
          toast.error(t.errors.sessionExpired, { id: `${realm}-session-expired` });
          return;
        }
        void clearOfflineCache().catch(() => undefined);
        // The driver's queued actions are kept (IndexedDB, per driver): they are sent once they sign in again.
        // (Loaded on demand: the ops console does not need the driver app's code.)
        void import('@/features/driver/api/driver-queue')
          .then(({ getDriverQueue }) => (typeof indexedDB !== 'undefined' ? getDriverQueue().countAll() : 0))
          .catch(() => 0)
          .then((unsent) =>
            toast.error(unsent > 0 ? t.driverApp.sync.signInToSend : t.errors.sessionExpired, { id: `${realm}-session-expired` }),
          );
      }),
    [client, navigate, queryClient, realm],
  );

  const app = (
    <ApiClientProvider client={client}>
      <Outlet />
    </ApiClientProvider>
  );
  if (realm !== 'driver') return app;
  // The driver app's offline copy is restored before its queries run, then kept up to date.
  return (
    <PersistQueryClientProvider client={queryClient} persistOptions={DRIVER_PERSIST_OPTIONS}>
      {app}
    </PersistQueryClientProvider>
  );
}
