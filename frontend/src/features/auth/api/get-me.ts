import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { MeResponse } from '@/types/api';

export const getMe = (api: ApiClient, signal?: AbortSignal): Promise<MeResponse> =>
  api.get<MeResponse>('/api/auth/me', { signal });

export const getMeQueryOptions = (api: ApiClient) =>
  queryOptions({
    queryKey: [api.realm, 'auth', 'me'] as const,
    queryFn: ({ signal }) => getMe(api, signal),
    staleTime: 60_000,
  });

export const useMe = (options: { enabled?: boolean } = {}) => {
  const api = useApiClient();
  return useQuery({ ...getMeQueryOptions(api), ...options });
};
