import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { OrderDetail, TrackingLinkResponse } from '@/types/api';

import { orderQueryKey } from './get-order';

/** rotate_tracking_link: a new token; the old link stops working at once. */
export const rotateTrackingLink = (api: ApiClient, orderId: string): Promise<TrackingLinkResponse> =>
  api.post<TrackingLinkResponse>(`/api/ops/orders/${encodeURIComponent(orderId)}/tracking-link/rotate`);

export const useRotateTrackingLink = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (orderId: string) => rotateTrackingLink(api, orderId),
    onSuccess: ({ tracking_token }, orderId) =>
      queryClient.setQueryData<OrderDetail>(orderQueryKey(api, orderId), (order) => (order ? { ...order, tracking_token } : order)),
    onSettled: (_data, _error, orderId) => queryClient.invalidateQueries({ queryKey: orderQueryKey(api, orderId) }),
  });
};
