import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { EventLogEntry } from '@/types/api';

import { eventsQueryKey } from './list-events';

/** Puts a FAILED event back and publishes it at once; answers the event as it is afterwards. */
export const retryEvent = (api: ApiClient, eventId: string): Promise<EventLogEntry> =>
  api.post<EventLogEntry>(`/api/ops/events/${encodeURIComponent(eventId)}/retry`);

export const useRetryEvent = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (eventId: string) => retryEvent(api, eventId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: eventsQueryKey(api) }),
  });
};
