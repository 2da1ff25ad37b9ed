import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { isConflict } from '@/lib/concurrency';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { optionalTextSchema } from '@/lib/validation';
import type { AckExceptionRequest, OrderException } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { exceptionsQueryKey } from './list-exceptions';

export const ackExceptionInputSchema = z.object({ note: optionalTextSchema(API_LIMITS.AckExceptionRequest.note.maxLength) });
export type AckExceptionFormValues = z.input<typeof ackExceptionInputSchema>;

type AckExceptionVariables = { exceptionId: string; data: AckExceptionRequest; idempotencyKey: string };

/** OPEN -> ACKNOWLEDGED; 409 when it is not OPEN any more (the lists are then refetched). */
export const ackException = (api: ApiClient, { exceptionId, data, idempotencyKey }: AckExceptionVariables) =>
  api.post<OrderException>(`/api/ops/exceptions/${encodeURIComponent(exceptionId)}/ack`, data, {
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });

export const useAckException = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: AckExceptionVariables) => ackException(api, variables),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: exceptionsQueryKey(api) }),
    onError: (error) => {
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: exceptionsQueryKey(api) });
    },
  });
};
