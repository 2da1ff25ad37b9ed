import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { t } from '@/locales';
import type { CreateRouteRequest, Route } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { routesQueryKey } from './list-routes';

/** The API's limits for a route (from the OpenAPI document). */
export const ROUTE_RULES = { maxOrders: API_LIMITS.CreateRouteRequest.order_ids.maxItems } as const;

export const createRouteInputSchema = z.object({
  route_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, t.validation.required),
  driver_id: z.string().min(1, t.validation.required),
  vehicle_id: z.string().min(1, t.validation.required),
  order_ids: z.array(z.string()).max(ROUTE_RULES.maxOrders, t.validation.routeOrdersMax(ROUTE_RULES.maxOrders)),
  optimize: z.boolean(),
});
export type CreateRouteFormValues = z.input<typeof createRouteInputSchema>;
export type CreateRouteInput = z.output<typeof createRouteInputSchema>;

type Variables = { data: CreateRouteRequest; idempotencyKey: string };

/**
 * With `optimize: true` the API orders the stops with its optimiser in the
 * same transaction that creates the route (one call instead of create + optimize).
 */
export const createRoute = (api: ApiClient, { data, idempotencyKey }: Variables): Promise<Route> =>
  api.post<Route>('/api/ops/routes', data, { headers: { [IDEMPOTENCY_HEADER]: idempotencyKey } });

export const useCreateRoute = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: Variables) => createRoute(api, variables),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: routesQueryKey(api) }),
        queryClient.invalidateQueries({ queryKey: [api.realm, 'orders'] }),
      ]),
  });
};
