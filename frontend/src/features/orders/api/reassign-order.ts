import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { optionalTextSchema } from '@/lib/validation';
import { t } from '@/locales';
import type { Order, OrderStatus, ReassignOrderRequest } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { orderQueryKey } from './get-order';
import { ordersQueryKey } from './list-orders';

/** Orders on a route that has not reached them yet can move to another route. */
export const canReassign = (status: OrderStatus, routeId: string | null | undefined): boolean =>
  Boolean(routeId) && status === 'ASSIGNED';

export const reassignOrderInputSchema = z.object({
  target_route_id: z.string().min(1, t.validation.required),
  note: optionalTextSchema(API_LIMITS.ReassignOrderRequest.note.maxLength),
});
export type ReassignOrderFormValues = z.input<typeof reassignOrderInputSchema>;
export type ReassignOrderInput = z.output<typeof reassignOrderInputSchema>;

type Variables = { orderId: string; data: ReassignOrderRequest; idempotencyKey: string };

export const reassignOrder = (api: ApiClient, { orderId, data, idempotencyKey }: Variables): Promise<Order> =>
  api.post<Order>(`/api/ops/orders/${encodeURIComponent(orderId)}/reassign`, data, {
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });

export const useReassignOrder = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: Variables) => reassignOrder(api, variables),
    onSettled: (_data, _error, { orderId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: orderQueryKey(api, orderId) }),
        queryClient.invalidateQueries({ queryKey: [...ordersQueryKey(api), 'list'] }),
        queryClient.invalidateQueries({ queryKey: [api.realm, 'routes'] }),
      ]),
  });
};
