import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Outlet, useNavigate } from 'react-router';
import { toast } from 'sonner';

import { loginUrl } from '@/features/auth/utils';
import { apiClients, type Realm } from '@/lib/api-client';
import { ApiClientProvider } from '@/lib/api-provider';
import { clearCache } from '@/lib/offline-cache';
import { t } from '@/locales';

/**
 * Root of one app (ops console or driver app): provides that realm's API
 * client and, when its session expires, drops the realm's cached data and
 * sends the user to the realm's login page, returning them here afterwards.
 */
export function RealmRoot({ realm }: { realm: Realm }) {
  const client = apiClients[realm];
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  useEffect(
    () =>
      client.onSessionExpired(() => {
        queryClient.removeQueries({ queryKey: [realm] });
        if (realm === 'driver') clearCache();
        toast.error(t.errors.sessionExpired, { id: `${realm}-session-expired` });
        const { pathname, search } = window.location;
        void navigate(loginUrl(realm, pathname + search), { replace: true });
      }),
    [client, navigate, queryClient, realm],
  );

  return (
    <ApiClientProvider client={client}>
      <Outlet />
    </ApiClientProvider>
  );
}
