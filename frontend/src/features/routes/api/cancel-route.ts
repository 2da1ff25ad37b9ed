import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { optionalTextSchema } from '@/lib/validation';
import type { Route } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { routePath, useRouteMutationCallbacks } from './route-mutation';

/** An optional reason (empty: none). */
export const cancelRouteInputSchema = z.object({ reason: optionalTextSchema(API_LIMITS.CancelRouteRequest.reason.maxLength) });

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
