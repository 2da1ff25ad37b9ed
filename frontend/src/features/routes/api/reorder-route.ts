import { useMutation, type QueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import type { Route, RouteDetail, RouteStop } from '@/types/api';

import { routeQueryKey } from './get-route';
import { routePath, useRouteMutationCallbacks } from './route-mutation';

type Variables = { routeId: string; stopOrder: string[] };

/** `stop_order` lists exactly the not-yet-visited stops, pickups before their order's drops. */
export const reorderRoute = (api: ApiClient, { routeId, stopOrder }: Variables): Promise<Route> =>
  api.post<Route>(routePath(routeId, '/reorder'), { stop_order: stopOrder });

/** The route's stops in the new order: visited ones keep their place at the front. */
export function applyStopOrder(stops: RouteStop[], stopOrder: string[]): RouteStop[] {
  const byId = new Map(stops.map((stop) => [stop.stop_id, stop]));
  const moved = new Set(stopOrder);
  const fixed = stops.filter((stop) => !moved.has(stop.stop_id));
  return [...fixed, ...stopOrder.map((id) => byId.get(id)).filter((stop): stop is RouteStop => Boolean(stop))];
}

/**
 * The PICKUP of an order must stay before its DROPs; returns the offending
 * order id, or null when the sequence is valid (the API checks the same).
 */
export function pickupBeforeDropViolation(stops: Pick<RouteStop, 'order_id' | 'type' | 'status'>[]): string | null {
  const seenDrop = new Set<string>();
  for (const stop of stops) {
    if (stop.type === 'DROP') seenDrop.add(stop.order_id);
    else if (seenDrop.has(stop.order_id) && stop.status === 'PENDING') return stop.order_id;
  }
  return null;
}

/**
 * Shows the new order at once; puts the old one back if the API refuses. The
 * options are built outside the hook so tests can run them on a QueryClient.
 */
export const reorderRouteMutationOptions = (
  api: ApiClient,
  queryClient: QueryClient,
  after: { onSuccess: (route: Route) => void; onSettled: (routeId: string) => Promise<unknown> },
) => ({
  mutationFn: (variables: Variables) => reorderRoute(api, variables),
  onMutate: async ({ routeId, stopOrder }: Variables) => {
    const key = routeQueryKey(api, routeId);
    await queryClient.cancelQueries({ queryKey: key });
    const previous = queryClient.getQueryData<RouteDetail>(key);
    if (previous) {
      queryClient.setQueryData<RouteDetail>(key, {
        ...previous,
        stops: applyStopOrder(previous.stops, stopOrder),
        optimized: false,
      });
    }
    return { previous };
  },
  onError: (_error: unknown, { routeId }: Variables, context: { previous?: RouteDetail | undefined } | undefined) => {
    if (context?.previous) queryClient.setQueryData(routeQueryKey(api, routeId), context.previous);
  },
  onSuccess: after.onSuccess,
  onSettled: (_data: unknown, _error: unknown, { routeId }: Variables) => after.onSettled(routeId),
});

export const useReorderRoute = () => {
  const { api, queryClient, onSuccess, onSettled } = useRouteMutationCallbacks();
  return useMutation(reorderRouteMutationOptions(api, queryClient, { onSuccess, onSettled }));
};
