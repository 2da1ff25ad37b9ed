import { useMutation } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import type { Route } from '@/types/api';

import { routePath, useRouteMutationCallbacks } from './route-mutation';

/** Re-orders the not-yet-visited stops with the optimiser; new ETAs. */
export const optimizeRoute = (api: ApiClient, routeId: string): Promise<Route> => api.post<Route>(routePath(routeId, '/optimize'));

export const useOptimizeRoute = () => {
  const { api, onSuccess, onSettled } = useRouteMutationCallbacks();
  return useMutation({
    mutationFn: (routeId: string) => optimizeRoute(api, routeId),
    onSuccess,
    onSettled: (_data, _error, routeId) => onSettled(routeId),
  });
};
