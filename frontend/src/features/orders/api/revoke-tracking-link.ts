import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { OrderDetail } from '@/types/api';

import { orderQueryKey } from './get-order';

/** revoke_tracking_link: 204; the order has no link until one is rotated in again. */
export const revokeTrackingLink = (api: ApiClient, orderId: string): Promise<void> =>
  api.post<void>(`/api/ops/orders/${encodeURIComponent(orderId)}/tracking-link/revoke`);

export const useRevokeTrackingLink = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (orderId: string) => revokeTrackingLink(api, orderId),
    onSuccess: (_data, orderId) =>
      queryClient.setQueryData<OrderDetail>(orderQueryKey(api, orderId), (order) => (order ? { ...order, tracking_token: null } : order)),
    onSettled: (_data, _error, orderId) => queryClient.invalidateQueries({ queryKey: orderQueryKey(api, orderId) }),
  });
};
