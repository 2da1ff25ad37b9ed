import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { nextCursor, PAGE_SIZE } from '@/lib/pagination';
import type { Page, PageParams, Route, RouteStatus } from '@/types/api';

export const routesQueryKey = (api: ApiClient) => [api.realm, 'routes'] as const;

export type RouteFilters = { date?: string; date_from?: string; date_to?: string; status?: RouteStatus; driver_id?: string };

export const listRoutes = (
  api: ApiClient,
  filters: RouteFilters,
  params: PageParams = {},
  signal?: AbortSignal,
): Promise<Page<Route>> =>
  api.get<Page<Route>>('/api/ops/routes', {
    query: { ...filters, cursor: params.cursor, limit: params.limit ?? PAGE_SIZE },
    signal,
  });

export const listRoutesQueryOptions = (api: ApiClient, filters: RouteFilters) =>
  infiniteQueryOptions({
    queryKey: [...routesQueryKey(api), 'list', filters] as const,
    queryFn: ({ pageParam, signal }) => listRoutes(api, filters, { cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });

export const useRoutes = (filters: RouteFilters) => {
  const api = useApiClient();
  return useInfiniteQuery(listRoutesQueryOptions(api, filters));
};
