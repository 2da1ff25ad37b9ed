import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { HealthResponse } from '@/types/api';

/** 200 when every dependency answers, 503 (same body) naming the ones that do not. */
export const health = (api: ApiClient, signal?: AbortSignal): Promise<HealthResponse> =>
  api.get<HealthResponse>('/api/health', { signal, auth: false, acceptStatus: [503] });

export const healthQueryOptions = (api: ApiClient) =>
  queryOptions({
    queryKey: [api.realm, 'health'] as const,
    queryFn: ({ signal }) => health(api, signal),
    refetchInterval: 60_000,
  });

export const useHealth = () => {
  const api = useApiClient();
  return useQuery(healthQueryOptions(api));
};
