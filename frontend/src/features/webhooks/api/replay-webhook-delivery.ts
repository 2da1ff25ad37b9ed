import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { ReplayResponse } from '@/types/api';

import { webhooksQueryKey } from './get-webhook-settings';

/** Queues the delivery's event again (same `webhook-id`). 202. */
export const replayWebhookDelivery = (api: ApiClient, deliveryId: string): Promise<ReplayResponse> =>
  api.post<ReplayResponse>(`/api/ops/webhooks/deliveries/${encodeURIComponent(deliveryId)}/replay`);

export const useReplayWebhookDelivery = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) => replayWebhookDelivery(api, deliveryId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...webhooksQueryKey(api), 'deliveries'] }),
  });
};
