import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { clearOfflineCache } from '@/lib/offline-cache';

/**
 * Ends the session of a token that was just issued but will not be used (an
 * account of the other app signing in): `POST /api/auth/logout` with that
 * token as bearer, which also clears its refresh cookie.
 */
export const logout = (api: ApiClient, accessToken: string): Promise<void> =>
  api.post<void>('/api/auth/logout', undefined, { auth: false, headers: { Authorization: `Bearer ${accessToken}` } });

/**
 * Ends the session on the server (`POST /api/auth/logout`, which clears the
 * httpOnly refresh cookie), then forgets it locally whatever the outcome:
 * signing out must always work, even offline (the next start then ends that
 * session before anything else, see `session.signOut`).
 *
 * The driver's queued actions are kept (they belong to that driver and are
 * sent when they sign in again); the offline copies of the day's data go.
 */
export const useLogout = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      try {
        await api.session.signOut();
      } finally {
        queryClient.removeQueries({ queryKey: [api.realm] });
        if (api.realm === 'driver') await clearOfflineCache().catch(() => undefined);
      }
    },
    meta: { suppressErrorToast: true },
  });
};
