import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { cachedInitialData, writeCache } from '@/lib/offline-cache';
import type { MeResponse } from '@/types/api';

/** The driver app keeps the last answer so it opens offline (see lib/offline-cache.ts). */
const ME_CACHE_KEY = 'driver.me';

export const getMe = async (api: ApiClient, signal?: AbortSignal): Promise<MeResponse> => {
  const me = await api.get<MeResponse>('/api/auth/me', { signal });
  if (api.realm === 'driver') writeCache(ME_CACHE_KEY, me);
  return me;
};

export const getMeQueryOptions = (api: ApiClient) =>
  queryOptions({
    queryKey: [api.realm, 'auth', 'me'] as const,
    queryFn: ({ signal }) => getMe(api, signal),
    staleTime: 60_000,
    ...(api.realm === 'driver' ? cachedInitialData<MeResponse>(ME_CACHE_KEY) : {}),
  });

export const useMe = (options: { enabled?: boolean } = {}) => {
  const api = useApiClient();
  return useQuery({ ...getMeQueryOptions(api), ...options });
};
