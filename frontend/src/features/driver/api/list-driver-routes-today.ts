import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { offlineQuery } from '@/lib/offline-cache';
import type { Page, Route } from '@/types/api';

export const driverQueryKey = (api: ApiClient) => [api.realm, 'driver'] as const;
export const driverRoutesTodayQueryKey = (api: ApiClient) => [...driverQueryKey(api), 'routes', 'today'] as const;

/** The driver's routes dated today (UTC), not cancelled. */
export const listDriverRoutesToday = async (api: ApiClient, signal?: AbortSignal): Promise<Route[]> => {
  const page = await api.get<Page<Route>>('/api/driver/routes/today', { signal });
  return page.items;
};

export const listDriverRoutesTodayQueryOptions = (api: ApiClient) =>
  queryOptions({
    queryKey: driverRoutesTodayQueryKey(api),
    queryFn: ({ signal }) => listDriverRoutesToday(api, signal),
    ...offlineQuery,
    refetchInterval: 60_000,
  });

export const useDriverRoutesToday = () => {
  const api = useApiClient();
  return useQuery(listDriverRoutesTodayQueryOptions(api));
};
