import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { DlqReplayResponse } from '@/types/api';

import { webhooksQueryKey } from './get-webhook-settings';

/** Moves this tenant's dead letters back to the webhook queue. */
export const replayWebhookDlq = (api: ApiClient): Promise<DlqReplayResponse> => api.post<DlqReplayResponse>('/api/ops/webhooks/dlq/replay');

export const useReplayWebhookDlq = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => replayWebhookDlq(api),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...webhooksQueryKey(api), 'deliveries'] }),
  });
};
