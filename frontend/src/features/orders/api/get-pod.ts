import { queryOptions, useQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { OrderDetail, PodSummary, PodView } from '@/types/api';

import { orderQueryKey } from './get-order';

/** The POD of a delivered order, with presigned GET URLs of its photo and signature (short-lived). */
export const getPod = (api: ApiClient, orderId: string, signal?: AbortSignal): Promise<PodView> =>
  api.get<PodView>(`/api/ops/orders/${encodeURIComponent(orderId)}/pod`, { signal });

export const getPodQueryOptions = (api: ApiClient, orderId: string) =>
  queryOptions({
    queryKey: [...orderQueryKey(api, orderId), 'pod'] as const,
    queryFn: ({ signal }) => getPod(api, orderId, signal),
    // Refetch a little before the presigned URLs expire.
    staleTime: 4 * 60_000,
    refetchInterval: (query) => {
      const expires = query.state.data ? Date.parse(query.state.data.urls_expire_at) : NaN;
      return Number.isFinite(expires) ? Math.max(30_000, expires - Date.now() - 30_000) : false;
    },
  });

export const usePod = (orderId: string, enabled: boolean) => {
  const api = useApiClient();
  return useQuery({ ...getPodQueryOptions(api, orderId), enabled });
};

/** `pod` of get_order (null until delivered). */
export const podSummary = (order: OrderDetail): PodSummary | null => order.pod ?? null;
