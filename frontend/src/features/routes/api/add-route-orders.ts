import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { t } from '@/locales';
import type { AddRouteOrdersRequest, Route } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { routePath, useRouteMutationCallbacks } from './route-mutation';

const MAX_ORDERS = API_LIMITS.AddRouteOrdersRequest.order_ids.maxItems;

export const addRouteOrdersInputSchema = z.object({
  order_ids: z.array(z.string()).max(MAX_ORDERS, t.validation.routeOrdersMax(MAX_ORDERS)),
  optimize: z.boolean(),
});

type Variables = { routeId: string; data: AddRouteOrdersRequest; idempotencyKey: string };

/** CREATED orders only (409 `order_not_assignable` otherwise); they become ASSIGNED. */
export const addRouteOrders = (api: ApiClient, { routeId, data, idempotencyKey }: Variables): Promise<Route> =>
  api.post<Route>(routePath(routeId, '/orders'), data, { headers: { [IDEMPOTENCY_HEADER]: idempotencyKey } });

export const useAddRouteOrders = () => {
  const { api, onSuccess, onSettled } = useRouteMutationCallbacks();
  return useMutation({
    mutationFn: (variables: Variables) => addRouteOrders(api, variables),
    onSuccess,
    onSettled: (_data, _error, { routeId }) => onSettled(routeId),
  });
};
