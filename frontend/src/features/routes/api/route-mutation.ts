import { useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { Route, RouteDetail } from '@/types/api';

import { routeQueryKey } from './get-route';
import { routesQueryKey } from './list-routes';

/**
 * What every route mutation does afterwards: merge the returned Route into the
 * cached detail, then refetch the detail (orders and progress changed too), the
 * route lists, and the orders whose assignment may have changed.
 */
export function useRouteMutationCallbacks() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return {
    api,
    queryClient,
    onSuccess: (route: Route) => {
      queryClient.setQueryData<RouteDetail>(routeQueryKey(api, route.id), (detail) =>
        detail ? { ...detail, ...route } : detail,
      );
    },
    onSettled: (routeId: string) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: routeQueryKey(api, routeId) }),
        queryClient.invalidateQueries({ queryKey: [...routesQueryKey(api), 'list'] }),
        queryClient.invalidateQueries({ queryKey: [api.realm, 'orders'] }),
      ]),
  };
}

export const routePath = (routeId: string, suffix = '') => `/api/ops/routes/${encodeURIComponent(routeId)}${suffix}`;

export type { ApiClient };
