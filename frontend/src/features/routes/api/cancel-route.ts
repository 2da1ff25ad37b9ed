import { useMutation } from '@tanstack/react-query';

import type { ApiClient } from '@/lib/api-client';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import type { Route } from '@/types/api';

import { routePath, useRouteMutationCallbacks } from './route-mutation';

type Variables = { routeId: string; reason: string | null; idempotencyKey: string };

/** 409 `orders_on_board` while orders are picked up or in transit. */
export const cancelRoute = (api: ApiClient, { routeId, reason, idempotencyKey }: Variables): Promise<Route> =>
  api.post<Route>(routePath(routeId, '/cancel'), { reason }, { headers: { [IDEMPOTENCY_HEADER]: idempotencyKey } });

export const useCancelRoute = () => {
  const { api, onSuccess, onSettled } = useRouteMutationCallbacks();
  return useMutation({
    mutationFn: (variables: Variables) => cancelRoute(api, variables),
    onSuccess,
    onSettled: (_data, _error, { routeId }) => onSettled(routeId),
  });
};
