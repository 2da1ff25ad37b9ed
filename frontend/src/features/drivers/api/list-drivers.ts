import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { nextCursor, PAGE_SIZE } from '@/lib/pagination';
import type { Driver, Page, PageParams } from '@/types/api';

export const driversQueryKey = (api: ApiClient) => [api.realm, 'drivers'] as const;

export const listDrivers = (api: ApiClient, params: PageParams = {}, signal?: AbortSignal): Promise<Page<Driver>> =>
  api.get<Page<Driver>>('/api/ops/drivers', {
    query: { cursor: params.cursor, limit: params.limit ?? PAGE_SIZE },
    signal,
  });

export const listDriversQueryOptions = (api: ApiClient) =>
  infiniteQueryOptions({
    queryKey: [...driversQueryKey(api), 'list'] as const,
    queryFn: ({ pageParam, signal }) => listDrivers(api, { cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });

export const useDrivers = () => {
  const api = useApiClient();
  return useInfiniteQuery(listDriversQueryOptions(api));
};
