import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { nextCursor, PAGE_SIZE } from '@/lib/pagination';
import type { Order, OrderStatus, Page, PageParams } from '@/types/api';

/** Every order query of the realm (lists and details) starts with this key. */
export const ordersQueryKey = (api: ApiClient) => [api.realm, 'orders'] as const;

export type OrderFilters = {
  status?: OrderStatus | undefined;
  /** RFC 3339 instant (or YYYY-MM-DD, read by the API as a UTC day). */
  created_from?: string | undefined;
  /** RFC 3339 instant, inclusive (or YYYY-MM-DD: to the end of that UTC day). */
  created_to?: string | undefined;
  /** Part of a reference code, customer name or phone (at most 100 characters). */
  q?: string | undefined;
};

/** Newest first. Filtered pages may be short, even empty, and still have a next page. */
export const listOrders = (
  api: ApiClient,
  filters: OrderFilters = {},
  params: PageParams = {},
  signal?: AbortSignal,
): Promise<Page<Order>> =>
  api.get<Page<Order>>('/api/ops/orders', {
    query: { ...filters, cursor: params.cursor, limit: params.limit ?? PAGE_SIZE },
    signal,
  });

export const listOrdersQueryOptions = (api: ApiClient, filters: OrderFilters = {}) =>
  infiniteQueryOptions({
    queryKey: [...ordersQueryKey(api), 'list', filters] as const,
    queryFn: ({ pageParam, signal }) => listOrders(api, filters, { cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });

export const useOrders = (filters: OrderFilters = {}) => {
  const api = useApiClient();
  return useInfiniteQuery(listOrdersQueryOptions(api, filters));
};
