import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { isConflict } from '@/lib/concurrency';
import { nameSchema, optionalTextSchema, phoneSchema } from '@/lib/validation';
import type { Order, OrderDetail, UpdateOrderRequest } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { orderQueryKey } from './get-order';
import { ordersQueryKey } from './list-orders';

/** The fields ops can edit while an order is not final (customer and notes). */
export const updateOrderInputSchema = z.object({
  customer_name: nameSchema,
  customer_phone: phoneSchema,
  notes: optionalTextSchema(API_LIMITS.UpdateOrderRequest.notes.maxLength),
});

export type UpdateOrderFormValues = z.input<typeof updateOrderInputSchema>;
export type UpdateOrderInput = z.output<typeof updateOrderInputSchema>;

/** Only the fields that differ from `order` (PATCH semantics); cleared notes are sent as null. */
export function orderChanges(order: Order, input: UpdateOrderInput): UpdateOrderRequest {
  const notes = input.notes ?? null;
  return {
    ...(input.customer_name !== order.customer_name && { customer_name: input.customer_name }),
    ...(input.customer_phone !== order.customer_phone && { customer_phone: input.customer_phone }),
    ...(notes !== (order.notes ?? null) && { notes }),
  };
}

type UpdateOrderVariables = { orderId: string; data: UpdateOrderRequest };

/** 409 when the order is final (`order_final`) or changed concurrently; the order is then refetched. */
export const updateOrder = (api: ApiClient, { orderId, data }: UpdateOrderVariables): Promise<Order> =>
  api.patch<Order>(`/api/ops/orders/${encodeURIComponent(orderId)}`, data);

export const useUpdateOrder = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: UpdateOrderVariables) => updateOrder(api, variables),
    onSuccess: (order) => {
      // The answer is the order without history and exceptions: keep those.
      queryClient.setQueryData<OrderDetail>(orderQueryKey(api, order.id), (detail) =>
        detail ? { ...detail, ...order } : detail,
      );
      return queryClient.invalidateQueries({ queryKey: [...ordersQueryKey(api), 'list'] });
    },
    onError: (error, { orderId }) => {
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: orderQueryKey(api, orderId) });
    },
  });
};
