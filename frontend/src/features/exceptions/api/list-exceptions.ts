import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { nextCursor, PAGE_SIZE } from '@/lib/pagination';
import type { ExceptionStatus, ExceptionType, OrderException, Page, PageParams } from '@/types/api';

export const exceptionsQueryKey = (api: ApiClient) => [api.realm, 'exceptions'] as const;

export type ExceptionFilters = {
  status?: ExceptionStatus | undefined;
  type?: ExceptionType | undefined;
  order_id?: string | undefined;
};

/** Newest first. Filtered pages may be short and still have a next page. */
export const listExceptions = (
  api: ApiClient,
  filters: ExceptionFilters = {},
  params: PageParams = {},
  signal?: AbortSignal,
): Promise<Page<OrderException>> =>
  api.get<Page<OrderException>>('/api/ops/exceptions', {
    query: { ...filters, cursor: params.cursor, limit: params.limit ?? PAGE_SIZE },
    signal,
  });

export const listExceptionsQueryOptions = (api: ApiClient, filters: ExceptionFilters = {}) =>
  infiniteQueryOptions({
    queryKey: [...exceptionsQueryKey(api), 'list', filters] as const,
    queryFn: ({ pageParam, signal }) => listExceptions(api, filters, { cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });

export const useExceptions = (filters: ExceptionFilters = {}) => {
  const api = useApiClient();
  return useInfiniteQuery(listExceptionsQueryOptions(api, filters));
};
