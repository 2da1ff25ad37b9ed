import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { offlineQuery } from '@/lib/offline-cache';
import type { MeResponse } from '@/types/api';

export const getMe = (api: ApiClient, signal?: AbortSignal): Promise<MeResponse> => api.get<MeResponse>('/api/auth/me', { signal });

export const getMeQueryOptions = (api: ApiClient) =>
  queryOptions({
    queryKey: [api.realm, 'auth', 'me'] as const,
    queryFn: ({ signal }) => getMe(api, signal),
    staleTime: 60_000,
    // The driver app keeps the last answer so it opens offline (see lib/offline-cache.ts).
    ...(api.realm === 'driver' ? offlineQuery : {}),
  });

export const useMe = (options: { enabled?: boolean } = {}) => {
  const api = useApiClient();
  return useQuery({ ...getMeQueryOptions(api), ...options });
};
