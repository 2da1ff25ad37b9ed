import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { offlineQuery } from '@/lib/offline-cache';
import type { RouteDetail } from '@/types/api';

import { driverQueryKey } from './list-driver-routes-today';

export const driverRouteQueryKey = (api: ApiClient, routeId: string) => [...driverQueryKey(api), 'route', routeId] as const;

/** One of the driver's own routes with its orders and progress (others': 404). */
export const getDriverRoute = (api: ApiClient, routeId: string, signal?: AbortSignal): Promise<RouteDetail> =>
  api.get<RouteDetail>(`/api/driver/routes/${encodeURIComponent(routeId)}`, { signal });

export const getDriverRouteQueryOptions = (api: ApiClient, routeId: string) =>
  queryOptions({
    queryKey: driverRouteQueryKey(api, routeId),
    queryFn: ({ signal }) => getDriverRoute(api, routeId, signal),
    ...offlineQuery,
    refetchInterval: 60_000,
  });

export const useDriverRoute = (routeId: string | null) => {
  const api = useApiClient();
  return useQuery({ ...getDriverRouteQueryOptions(api, routeId ?? ''), enabled: Boolean(routeId) });
};
