import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { nextCursor, PAGE_SIZE } from '@/lib/pagination';
import type { EventLogEntry, Page, PageParams } from '@/types/api';

export const EVENT_STATUSES = ['PENDING', 'PROCESSED', 'FAILED'] as const;
export type EventFilters = { type?: string | undefined; status?: (typeof EVENT_STATUSES)[number] | undefined };

export const eventsQueryKey = (api: ApiClient) => [api.realm, 'events'] as const;

/** The event log (outbox), newest first. */
export const listEvents = (api: ApiClient, filters: EventFilters, params: PageParams = {}, signal?: AbortSignal) =>
  api.get<Page<EventLogEntry>>('/api/ops/events', {
    query: { ...filters, cursor: params.cursor, limit: params.limit ?? PAGE_SIZE },
    signal,
  });

export const listEventsQueryOptions = (api: ApiClient, filters: EventFilters) =>
  infiniteQueryOptions({
    queryKey: [...eventsQueryKey(api), 'list', filters] as const,
    queryFn: ({ pageParam, signal }) => listEvents(api, filters, { cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: nextCursor,
  });

export const useEvents = (filters: EventFilters) => {
  const api = useApiClient();
  return useInfiniteQuery(listEventsQueryOptions(api, filters));
};
