import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { nextCursor, PAGE_SIZE } from '@/lib/pagination';
import type { Page, PageParams, WebhookDelivery } from '@/types/api';

import { webhooksQueryKey } from './get-webhook-settings';

export const DELIVERY_OUTCOMES = ['delivered', 'retrying', 'failed', 'disabled'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];
export type DeliveryFilters = { outcome?: DeliveryOutcome | undefined; event_id?: string | undefined };

/** Every delivery attempt, newest first. */
export const listWebhookDeliveries = (api: ApiClient, filters: DeliveryFilters, params: PageParams = {}, signal?: AbortSignal) =>
  api.get<Page<WebhookDelivery>>('/api/ops/webhooks/deliveries', {
    query: { ...filters, cursor: params.cursor, limit: params.limit ?? PAGE_SIZE },
    signal,
  });

export const listWebhookDeliveriesQueryOptions = (api: ApiClient, filters: DeliveryFilters) =>
  infiniteQueryOptions({
    queryKey: [...webhooksQueryKey(api), 'deliveries', filters] as const,
    queryFn: ({ pageParam, signal }) => listWebhookDeliveries(api, filters, { cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });

export const useWebhookDeliveries = (filters: DeliveryFilters) => {
  const api = useApiClient();
  return useInfiniteQuery(listWebhookDeliveriesQueryOptions(api, filters));
};
