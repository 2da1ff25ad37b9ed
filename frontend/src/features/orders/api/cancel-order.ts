import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { isConflict } from '@/lib/concurrency';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { requiredTextSchema } from '@/lib/validation';
import type { Order, OrderDetail, OrderStatus } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { orderQueryKey } from './get-order';
import { ordersQueryKey } from './list-orders';

/** Ops may cancel from these statuses only (the status machine). */
export const CANCELLABLE_STATUSES: readonly OrderStatus[] = ['CREATED', 'ASSIGNED', 'PICKED_UP'];
export const FINAL_STATUSES: readonly OrderStatus[] = ['DELIVERED', 'FAILED', 'CANCELLED'];

export const canCancel = (status: OrderStatus): boolean => CANCELLABLE_STATUSES.includes(status);
export const isFinal = (status: OrderStatus): boolean => FINAL_STATUSES.includes(status);

export const cancelOrderInputSchema = z.object({ reason: requiredTextSchema(API_LIMITS.CancelOrderRequest.reason.maxLength) });
export type CancelOrderFormValues = z.input<typeof cancelOrderInputSchema>;
export type CancelOrderInput = z.output<typeof cancelOrderInputSchema>;

type CancelOrderVariables = { orderId: string; reason: string; idempotencyKey: string };

/** 409 when the status does not allow it any more (`invalid_transition`) or on a lost race. */
export const cancelOrder = (api: ApiClient, { orderId, reason, idempotencyKey }: CancelOrderVariables): Promise<Order> =>
  api.post<Order>(
    `/api/ops/orders/${encodeURIComponent(orderId)}/cancel`,
    { reason },
    { headers: { [IDEMPOTENCY_HEADER]: idempotencyKey } },
  );

/**
 * Shows the order as cancelled at once and puts it back if the API refuses
 * (the error toast carries the server's message, e.g. that the order is
 * already in transit); either way the order is then refetched for its history.
 */
export const useCancelOrder = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: CancelOrderVariables) => cancelOrder(api, variables),
    onMutate: async ({ orderId, reason }) => {
      const key = orderQueryKey(api, orderId);
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<OrderDetail>(key);
      if (previous) {
        queryClient.setQueryData<OrderDetail>(key, { ...previous, status: 'CANCELLED', cancel_reason: reason });
      }
      return { previous };
    },
    onError: (error, { orderId }, context) => {
      if (context?.previous) queryClient.setQueryData(orderQueryKey(api, orderId), context.previous);
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: orderQueryKey(api, orderId) });
    },
    onSuccess: (order) => {
      queryClient.setQueryData<OrderDetail>(orderQueryKey(api, order.id), (detail) =>
        detail ? { ...detail, ...order } : detail,
      );
    },
    onSettled: (_data, _error, { orderId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: orderQueryKey(api, orderId) }),
        queryClient.invalidateQueries({ queryKey: [...ordersQueryKey(api), 'list'] }),
      ]),
  });
};
