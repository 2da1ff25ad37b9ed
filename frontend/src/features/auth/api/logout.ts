import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { clearCache } from '@/lib/offline-cache';

export const logout = (api: ApiClient, refreshToken: string): Promise<void> =>
  api.post<void>('/api/auth/logout', { refresh_token: refreshToken }, { auth: false });

/**
 * Revokes the refresh token, then forgets the session locally whatever the
 * outcome: signing out must always work, even offline (the refresh token then
 * simply expires server-side).
 */
export const useLogout = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const session = api.session.get();
      try {
        if (session) await logout(api, session.refreshToken);
      } finally {
        api.session.clear();
        queryClient.removeQueries({ queryKey: [api.realm] });
        // The driver app's offline copies of the day's data belong to this user.
        if (api.realm === 'driver') clearCache();
      }
    },
    meta: { suppressErrorToast: true },
  });
};
