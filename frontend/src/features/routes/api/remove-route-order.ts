import { useMutation } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import type { Route } from '@/types/api';

import { routePath, useRouteMutationCallbacks } from './route-mutation';

type Variables = { routeId: string; orderId: string };

/** Takes an ASSIGNED order off the route (back to CREATED). */
export const removeRouteOrder = (api: ApiClient, { routeId, orderId }: Variables): Promise<Route> =>
  api.delete<Route>(routePath(routeId, `/orders/${encodeURIComponent(orderId)}`));

export const useRemoveRouteOrder = () => {
  const { api, onSuccess, onSettled } = useRouteMutationCallbacks();
  return useMutation({
    mutationFn: (variables: Variables) => removeRouteOrder(api, variables),
    onSuccess,
    onSettled: (_data, _error, { routeId }) => onSettled(routeId),
  });
};
