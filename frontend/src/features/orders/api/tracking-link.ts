import { useMutation, useQueryClient } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import type { OrderDetail, TrackingLinkResponse } from '@/types/api';

import { orderQueryKey } from './get-order';

const linkPath = (orderId: string, action: 'rotate' | 'revoke') =>
  `/api/ops/orders/${encodeURIComponent(orderId)}/tracking-link/${action}`;

/** rotate_tracking_link: a new token; the old link stops working. */
export const rotateTrackingLink = (api: ApiClient, orderId: string): Promise<TrackingLinkResponse> =>
  api.post<TrackingLinkResponse>(linkPath(orderId, 'rotate'));

/** revoke_tracking_link: no link until rotated again (204). */
export const revokeTrackingLink = (api: ApiClient, orderId: string): Promise<void> => api.post<void>(linkPath(orderId, 'revoke'));

type TokenPatch = { tracking_token: string | null };

const useTrackingLinkMutation = (run: (api: ApiClient, orderId: string) => Promise<TokenPatch>) => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (orderId: string) => run(api, orderId),
    onSuccess: ({ tracking_token }, orderId) => {
      queryClient.setQueryData<OrderDetail>(orderQueryKey(api, orderId), (order) =>
        order ? { ...order, tracking_token } : order,
      );
    },
    onSettled: (_data, _error, orderId) => queryClient.invalidateQueries({ queryKey: orderQueryKey(api, orderId) }),
  });
};

export const useRotateTrackingLink = () => useTrackingLinkMutation(rotateTrackingLink);
export const useRevokeTrackingLink = () =>
  useTrackingLinkMutation(async (api, orderId) => {
    await revokeTrackingLink(api, orderId);
    return { tracking_token: null };
  });
