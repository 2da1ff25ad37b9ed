import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { OrderDetail } from '@/types/api';

import { ordersQueryKey } from './list-orders';

export const orderQueryKey = (api: ApiClient, orderId: string) => [...ordersQueryKey(api), 'detail', orderId] as const;

/** The order with its stops, history (oldest first) and exceptions. 404 for another tenant's id. */
export const getOrder = (api: ApiClient, orderId: string, signal?: AbortSignal): Promise<OrderDetail> =>
  api.get<OrderDetail>(`/api/ops/orders/${encodeURIComponent(orderId)}`, { signal });

export const getOrderQueryOptions = (api: ApiClient, orderId: string) =>
  queryOptions({
    queryKey: orderQueryKey(api, orderId),
    queryFn: ({ signal }) => getOrder(api, orderId, signal),
  });

export const useOrder = (orderId: string) => {
  const api = useApiClient();
  return useQuery(getOrderQueryOptions(api, orderId));
};

/** Refetches an order (and the lists it appears in), e.g. after one of its exceptions changed. */
export const useInvalidateOrder = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useCallback(
    (orderId: string) => queryClient.invalidateQueries({ queryKey: orderQueryKey(api, orderId) }),
    [api, queryClient],
  );
};
