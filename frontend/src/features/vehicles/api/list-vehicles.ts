import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { nextCursor, PAGE_SIZE } from '@/lib/pagination';
import type { Page, PageParams, Vehicle } from '@/types/api';

export const vehiclesQueryKey = (api: ApiClient) => [api.realm, 'vehicles'] as const;

export const listVehicles = (api: ApiClient, params: PageParams = {}, signal?: AbortSignal): Promise<Page<Vehicle>> =>
  api.get<Page<Vehicle>>('/api/ops/vehicles', {
    query: { cursor: params.cursor, limit: params.limit ?? PAGE_SIZE },
    signal,
  });

export const listVehiclesQueryOptions = (api: ApiClient) =>
  infiniteQueryOptions({
    queryKey: [...vehiclesQueryKey(api), 'list'] as const,
    queryFn: ({ pageParam, signal }) => listVehicles(api, { cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });

export const useVehicles = () => {
  const api = useApiClient();
  return useInfiniteQuery(listVehiclesQueryOptions(api));
};
