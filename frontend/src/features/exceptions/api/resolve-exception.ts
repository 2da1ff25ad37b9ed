import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { isConflict } from '@/lib/concurrency';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { requiredTextSchema } from '@/lib/validation';
import type { OrderException, ResolveExceptionRequest } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { exceptionsQueryKey } from './list-exceptions';

export const resolveExceptionInputSchema = z.object({ resolution: requiredTextSchema(API_LIMITS.ResolveExceptionRequest.resolution.maxLength) });
export type ResolveExceptionFormValues = z.input<typeof resolveExceptionInputSchema>;

type ResolveExceptionVariables = { exceptionId: string; data: ResolveExceptionRequest; idempotencyKey: string };

/** OPEN or ACKNOWLEDGED -> RESOLVED; 409 when already resolved (the lists are then refetched). */
export const resolveException = (api: ApiClient, { exceptionId, data, idempotencyKey }: ResolveExceptionVariables) =>
  api.post<OrderException>(`/api/ops/exceptions/${encodeURIComponent(exceptionId)}/resolve`, data, {
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });

export const useResolveException = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: ResolveExceptionVariables) => resolveException(api, variables),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: exceptionsQueryKey(api) }),
    onError: (error) => {
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: exceptionsQueryKey(api) });
    },
  });
};
