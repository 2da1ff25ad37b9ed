import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { RouteDetail } from '@/types/api';

import { routesQueryKey } from './list-routes';

export const routeQueryKey = (api: ApiClient, routeId: string) => [...routesQueryKey(api), 'detail', routeId] as const;

/** The route with its orders, driver, vehicle and progress. */
export const getRoute = (api: ApiClient, routeId: string, signal?: AbortSignal): Promise<RouteDetail> =>
  api.get<RouteDetail>(`/api/ops/routes/${encodeURIComponent(routeId)}`, { signal });

export const getRouteQueryOptions = (api: ApiClient, routeId: string) =>
  queryOptions({ queryKey: routeQueryKey(api, routeId), queryFn: ({ signal }) => getRoute(api, routeId, signal) });

export const useRoute = (routeId: string) => {
  const api = useApiClient();
  return useQuery(getRouteQueryOptions(api, routeId));
};
