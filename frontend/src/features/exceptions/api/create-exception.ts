import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import type { ApiClient } from '@/lib/api-client';
import { useApiClient } from '@/lib/api-provider';
import { IDEMPOTENCY_HEADER } from '@/lib/idempotency';
import { optionalTextSchema } from '@/lib/validation';
import { t } from '@/locales';
import { EXCEPTION_TYPES, type CreateExceptionRequest, type OrderException } from '@/types/api';
import { API_LIMITS } from '@/types/api-limits';

import { exceptionsQueryKey } from './list-exceptions';

export const createExceptionInputSchema = z.object({
  type: z.enum(EXCEPTION_TYPES, { error: t.validation.required }),
  notes: optionalTextSchema(API_LIMITS.CreateExceptionRequest.notes.maxLength),
});

export type CreateExceptionFormValues = z.input<typeof createExceptionInputSchema>;
export type CreateExceptionInput = z.output<typeof createExceptionInputSchema>;

type CreateExceptionVariables = { orderId: string; data: CreateExceptionRequest; idempotencyKey: string };

export const createException = (
  api: ApiClient,
  { orderId, data, idempotencyKey }: CreateExceptionVariables,
): Promise<OrderException> =>
  api.post<OrderException>(`/api/ops/orders/${encodeURIComponent(orderId)}/exceptions`, data, {
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });

export const useCreateException = () => {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: CreateExceptionVariables) => createException(api, variables),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: exceptionsQueryKey(api) }),
  });
};
